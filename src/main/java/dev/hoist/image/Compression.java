package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;

/** What a stream's first bytes say about its compression. */
public enum Compression {
    NONE, GZIP, ZSTD;

    /** Reads up to four bytes of {@code in} (and closes it). */
    public static Compression sniff(InputStream in) throws IOException {
        try (in) {
            var magic = in.readNBytes(4);
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                return GZIP;
            }
            if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                    && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
                return ZSTD;
            }
            return NONE;
        }
    }
}
