package dev.hoist.cli;

import dev.hoist.image.LayerCompression;
import picocli.CommandLine.Option;

import java.util.List;

/** How a command that pushes compresses the layers it compresses itself (docker-save archives, daemon images). */
final class CompressionOptions {

    @Option(names = "--compression", paramLabel = "gzip|zstd", defaultValue = "gzip",
            description = "Compression of the layers hoist compresses (docker-save archives, daemon images; layers already"
                    + " compressed at the source go as they are): gzip (default; every registry and runtime) or zstd"
                    + " (OCI zstd layers: smaller and faster; containerd 1.5+, podman, Docker 23+; Docker before 23 cannot pull them).")
    String compression;

    @Option(names = "--compression-level", paramLabel = "N",
            description = "gzip 1-9, through the JDK's zlib (default: hoist's own faster encoder), zstd 1-19 (default: 3).")
    Integer level;

    /** The compression asked for, or a problem added to {@code problems} and gzip. */
    LayerCompression value(List<String> problems) {
        try {
            if (level != null && level < 1) {
                throw new IllegalArgumentException("--compression-level must be at least 1, not " + level);
            }
            return LayerCompression.of(compression, level);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage().replace("unknown compression", "--compression: unknown compression"));
            return LayerCompression.GZIP;
        }
    }
}
