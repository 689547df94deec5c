package dev.hoist.engine;

import dev.hoist.image.Digest;
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
 * Remembers what hoist's compression made: diff ID to compressed digest and size, one small file
 * per layer under {@code ~/.cache/hoist/blob-info/SCHEME/} (the scheme names the format, level and
 * layout of the compressed bytes, so gzip and zstd pushes never take each other's digests), and
 * under {@code ~/.cache/hoist/blob-info/} the digest of the manifest an
 * image with compressed layers got, under {@code manifests/}, keyed by what decides that manifest
 * (config, layers, format), and which repositories of which registries got a blob, under
 * {@code holders/}, so a push to another repository mounts it from one of them. Hits are only
 * hints: the engine compares the target's manifest digest (HEAD), checks a blob is there, or lets
 * the registry refuse a mount (then uploads) before it skips anything.
 */
public final class BlobInfoCache {

    private static final Logger log = LoggerFactory.getLogger(BlobInfoCache.class);

    public record Entry(Digest digest, long size) {
    }

    private final Path dir;

    public BlobInfoCache(Path cacheRoot) {
        this.dir = cacheRoot == null ? null : cacheRoot.resolve("blob-info");
    }

    public Optional<Entry> compressed(String scheme, Digest diffId) {
        if (dir == null) {
            return Optional.empty();
        }
        var file = dir.resolve(scheme).resolve(diffId.algorithm() + "-" + diffId.hex());
        try {
            var parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
            return Optional.of(new Entry(Digest.parse(parts[0]), Long.parseLong(parts[1])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void put(String scheme, Digest diffId, Entry entry) {
        if (dir != null) {
            write(dir.resolve(scheme), diffId.algorithm() + "-" + diffId.hex(), entry.digest() + " " + entry.size());
        }
    }

    /** The manifest digest an image built from {@code recipe} got last time, if any. */
    public Optional<Digest> manifest(String recipe) {
        if (dir == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Digest.parse(Files.readString(manifestFile(recipe), StandardCharsets.UTF_8).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void putManifest(String recipe, Digest digest) {
        if (dir != null) {
            var file = manifestFile(recipe);
            write(file.getParent(), file.getFileName().toString(), digest.toString());
        }
    }

    private static final int HOLDERS_KEPT = 8;

    /** Repositories of {@code store} known to have held the blob, the latest first. */
    public java.util.List<String> holders(String store, Digest digest) {
        if (dir == null) {
            return java.util.List.of();
        }
        var prefix = store + " ";
        return readLines(holdersFile(digest)).stream()
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()))
                .toList();
    }

    /** Notes that a repository of {@code store} holds the blob now. */
    public synchronized void held(String store, String repository, Digest digest) {
        if (dir == null) {
            return;
        }
        var file = holdersFile(digest);
        var line = store + " " + repository;
        var lines = new java.util.ArrayList<String>(readLines(file));
        if (!lines.isEmpty() && lines.get(0).equals(line)) {
            return;
        }
        lines.remove(line);
        lines.add(0, line);
        write(file.getParent(), file.getFileName().toString(),
                String.join("\n", lines.subList(0, Math.min(HOLDERS_KEPT, lines.size()))));
    }

    private Path holdersFile(Digest digest) {
        return dir.resolve("holders").resolve(digest.algorithm() + "-" + digest.hex());
    }

    private static java.util.List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    private Path manifestFile(String recipe) {
        return dir.resolve("manifests").resolve(Digest.sha256(recipe.getBytes(StandardCharsets.UTF_8)).hex());
    }

    private static void write(Path dir, String name, String line) {
        try {
            Files.createDirectories(dir);
            var tmp = Files.createTempFile(dir, ".entry", ".tmp");
            Files.writeString(tmp, line + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.debug("cannot write blob-info cache in {}: {}", dir, e.toString());
        }
    }
}
