package dev.hoist.registry;

import dev.hoist.image.Digest;
import dev.hoist.image.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Upload sessions in progress, one small file each under {@code ~/.cache/hoist/uploads/}: registry,
 * repository, blob, upload URL and how many bytes the registry has. A push killed mid-blob picks
 * the session up again on its next run, asks the registry where it stands, and sends only the
 * rest. Entries older than a day are ignored and removed.
 */
final class UploadSessions {

    record Session(URI location, long offset) {
    }

    private static final Duration STALE = Duration.ofDays(1);

    private final Path dir;

    UploadSessions(Path dir) {
        this.dir = dir;
    }

    private Path file(String host, String repository, String blob) {
        var key = Digest.sha256((host + "/" + repository + "@" + blob).getBytes(StandardCharsets.UTF_8)).hex();
        return dir.resolve(key + ".json");
    }

    Optional<Session> find(String host, String repository, String blob) {
        if (dir == null) {
            return Optional.empty();
        }
        var file = file(host, repository, blob);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            if (Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(STALE))) {
                Files.deleteIfExists(file);
                return Optional.empty();
            }
            var node = Json.parse(Files.readAllBytes(file), file.toString());
            return Optional.of(new Session(URI.create(Json.text(node, "location")), node.get("offset").asLong()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void save(String host, String repository, String blob, URI location, long offset) {
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            var node = Json.MAPPER.createObjectNode();
            node.put("registry", host);
            node.put("repository", repository);
            node.put("blob", blob);
            node.put("location", location.toString());
            node.put("offset", offset);
            var tmp = Files.createTempFile(dir, ".session", ".tmp");
            Files.write(tmp, Json.write(node));
            try {
                Files.move(tmp, file(host, repository, blob), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(host, repository, blob), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ignored) {
            // Without the record a later run starts the blob afresh; nothing else depends on it.
        }
    }

    void forget(String host, String repository, String blob) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(file(host, repository, blob));
        } catch (IOException ignored) {
            // A leftover record is checked against the registry before it is used.
        }
    }
}
