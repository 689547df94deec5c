package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * How hoist compresses the uncompressed layers it pushes (docker-save archives, daemon exports):
 * gzip, which every registry and runtime takes, or zstd (smaller and faster; containerd 1.5+,
 * podman, not Docker before 23), and a level ({@code 0}: the format's default).
 *
 * @param format {@link Compression#GZIP} or {@link Compression#ZSTD}
 * @param level 0 for the default (gzip: a level per piece, see {@link GzipInputStream}; zstd: 3),
 *              else gzip 1-9 or zstd 1-19
 */
public record LayerCompression(Compression format, int level) {

    public static final LayerCompression GZIP = new LayerCompression(Compression.GZIP, 0);
    public static final LayerCompression ZSTD = new LayerCompression(Compression.ZSTD, 0);

    public LayerCompression {
        if (format != Compression.GZIP && format != Compression.ZSTD) {
            throw new IllegalArgumentException("layers are compressed with gzip or zstd, not " + format);
        }
        int max = format == Compression.GZIP ? 9 : 19;
        if (level < 0 || level > max) {
            throw new IllegalArgumentException(name(format) + " compression level must be 1 to " + max + ", not " + level);
        }
    }

    /** From the words of the command line and the DSL: {@code gzip} or {@code zstd}, level null or 0 for the default. */
    public static LayerCompression of(String name, Integer level) {
        var format = switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "gzip" -> Compression.GZIP;
            case "zstd" -> Compression.ZSTD;
            default -> throw new IllegalArgumentException("unknown compression '" + name + "': use gzip or zstd");
        };
        return new LayerCompression(format, level == null ? 0 : level);
    }

    /** The uncompressed stream, compressed (read on demand). */
    public InputStream compress(InputStream uncompressed) throws IOException {
        return format == Compression.GZIP ? new GzipInputStream(uncompressed, level)
                : new ZstdCompressingStream(uncompressed, zstdLevel());
    }

    /** What the output depends on, for the blob-info cache and resumable uploads: switching schemes never mixes their digests. */
    public String scheme() {
        return format == Compression.GZIP ? GzipInputStream.scheme(level) : ZstdCompressingStream.scheme(zstdLevel());
    }

    /** The media type of a compressed layer whose source would name it {@code sourceType} in gzip. */
    public String mediaType(String sourceType) {
        if (format == Compression.ZSTD) {
            return MediaTypes.OCI_LAYER_ZSTD;
        }
        return MediaTypes.OCI_LAYER_ZSTD.equals(sourceType) ? MediaTypes.DOCKER_LAYER_GZIP : sourceType;
    }

    private int zstdLevel() {
        return level == 0 ? ZstdCompressingStream.DEFAULT_LEVEL : level;
    }

    @Override
    public String toString() {
        return name(format) + (level == 0 ? "" : " level " + level);
    }

    private static String name(Compression format) {
        return format.name().toLowerCase(Locale.ROOT);
    }
}
