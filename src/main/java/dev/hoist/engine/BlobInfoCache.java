package dev.hoist.engine;

import dev.hoist.image.Digest;
import dev.hoist.image.GzipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Remembers what an uncompressed layer became when hoist compressed it: diff ID to compressed
 * digest and size, one small file per layer under {@code ~/.cache/hoist/blob-info/SCHEME/}.
 * A hit is only a hint: the engine checks the registry has the blob (HEAD) before skipping.
 */
public final class BlobInfoCache {

    private static final Logger log = LoggerFactory.getLogger(BlobInfoCache.class);

    public record Entry(Digest digest, long size) {
    }

    private final Path dir;

    public BlobInfoCache(Path cacheRoot) {
        this.dir = cacheRoot == null ? null : cacheRoot.resolve("blob-info").resolve(GzipInputStream.SCHEME);
    }

    public Optional<Entry> compressed(Digest diffId) {
        if (dir == null) {
            return Optional.empty();
        }
        var file = dir.resolve(diffId.algorithm() + "-" + diffId.hex());
        try {
            var parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
            return Optional.of(new Entry(Digest.parse(parts[0]), Long.parseLong(parts[1])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void put(Digest diffId, Entry entry) {
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            var file = dir.resolve(diffId.algorithm() + "-" + diffId.hex());
            var tmp = Files.createTempFile(dir, ".entry", ".tmp");
            Files.writeString(tmp, entry.digest() + " " + entry.size() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.debug("cannot write blob-info cache in {}: {}", dir, e.toString());
        }
    }
}
