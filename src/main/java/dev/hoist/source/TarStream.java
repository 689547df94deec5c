package dev.hoist.source;

import dev.hoist.image.InvalidImageException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads a tar archive front to back from a stream (an export from the Docker daemon), one member
 * at a time, without seeking or buffering more than a header.
 */
final class TarStream {

    /** A member: its normalised name, type flag, size and link target. */
    record Entry(String name, char type, long size, String link) {
        boolean isFile() {
            return type == '0' || type == '7';
        }
    }

    private final InputStream in;
    private final String name;
    private long position;
    private long remaining;
    private long padding;

    TarStream(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /** The next member, or null at the end of the archive. Skips what is left of the current one. */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        String longLink = null;
        Map<String, String> pax = Map.of();
        var h = new byte[TarFormat.BLOCK];
        while (true) {
            if (!readBlock(h)) {
                return null;
            }
            if (TarFormat.isZero(h)) {
                return null;
            }
            if (!TarFormat.checksumOk(h)) {
                throw new InvalidImageException(name + ": corrupt tar stream at byte " + (position - TarFormat.BLOCK));
            }
            char type = (char) (h[156] == 0 ? '0' : h[156]);
            long size = TarFormat.parseNumber(h, 124, 12, position, name);
            if (size < 0) {
                throw new InvalidImageException(name + ": corrupt tar stream (negative size)");
            }
            long pad = (TarFormat.BLOCK - size % TarFormat.BLOCK) % TarFormat.BLOCK;
            switch (type) {
                case 'L', 'K', 'x' -> {
                    if (size > 1 << 20) {
                        throw new InvalidImageException(name + ": oversized tar extension header");
                    }
                    var text = new String(in.readNBytes((int) size), java.nio.charset.StandardCharsets.UTF_8);
                    position += size;
                    skip(pad);
                    int nul = text.indexOf('\0');
                    text = nul >= 0 ? text.substring(0, nul) : text;
                    if (type == 'L') {
                        longName = text;
                    } else if (type == 'K') {
                        longLink = text;
                    } else {
                        pax = TarFormat.parsePax(text);
                    }
                }
                case 'g' -> skip(size + pad);
                default -> {
                    var entryName = longName != null ? longName : pax.getOrDefault("path", TarFormat.headerName(h));
                    var link = longLink != null ? longLink : pax.getOrDefault("linkpath", TarFormat.string(h, 157, 100));
                    if (pax.containsKey("size")) {
                        size = Long.parseLong(pax.get("size").trim());
                        pad = (TarFormat.BLOCK - size % TarFormat.BLOCK) % TarFormat.BLOCK;
                    }
                    remaining = size;
                    padding = pad;
                    var normalized = entryName.replaceFirst("^(\\./)+", "").replaceFirst("^/+", "");
                    return new Entry(normalized, type, size, link);
                }
            }
        }
    }

    /** The data of the current member; reading it is how the stream moves on. */
    InputStream data() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return dev.hoist.image.Streams.readOne(this);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new InvalidImageException(name + ": the stream ended inside a member");
                }
                remaining -= n;
                position += n;
                return n;
            }

            @Override
            public void close() {
                // The archive stream stays open for the next member.
            }
        };
    }

    private boolean readBlock(byte[] h) throws IOException {
        int n = in.readNBytes(h, 0, h.length);
        position += n;
        if (n == 0) {
            return false;
        }
        if (n < h.length) {
            throw new InvalidImageException(name + ": the stream ended inside a tar header");
        }
        return true;
    }

    private void skip(long n) throws IOException {
        long left = n;
        var buffer = new byte[8192];
        while (left > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (r < 0) {
                throw new InvalidImageException(name + ": the stream ended inside a member");
            }
            left -= r;
            position += r;
        }
    }
}
