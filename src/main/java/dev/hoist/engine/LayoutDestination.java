package dev.hoist.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoist.HoistException;
import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.CountingInputStream;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.Json;
import dev.hoist.image.MediaTypes;
import dev.hoist.image.TransferListener;
import dev.hoist.registry.UploadResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * An OCI image layout directory as a target: blobs under {@code blobs/sha256}, tagged manifests in
 * {@code index.json} named by {@code org.opencontainers.image.ref.name} (the {@code REPO:TAG} the
 * plan gave them), so skopeo reads them back as {@code oci:DIR:REPO:TAG}.
 */
final class LayoutDestination implements Destination {

    private final Path dir;
    private final String repository;

    LayoutDestination(Path dir, String repository) {
        this.dir = dir;
        this.repository = repository;
    }

    @Override
    public String storeKey() {
        return "oci:" + dir;
    }

    @Override
    public String repository() {
        return repository;
    }

    private Path blobPath(Digest digest) {
        return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    @Override
    public Optional<Digest> manifestDigest(String reference) {
        if (Digest.isDigest(reference)) {
            var d = Digest.parse(reference);
            return hasBlob(d) ? Optional.of(d) : Optional.empty();
        }
        synchronized (LayoutDestination.class) {
            var index = readIndex();
            for (var m : index.withArray("manifests")) {
                var ann = m.get("annotations");
                if (ann != null && refName(reference).equals(Json.text(ann, Descriptor.REF_NAME))) {
                    return Optional.of(Digest.parse(Json.text(m, "digest")));
                }
            }
            return Optional.empty();
        }
    }

    private String refName(String tag) {
        return repository.isEmpty() ? tag : repository + ":" + tag;
    }

    @Override
    public UploadResult putBlob(Blob blob, String mountFrom, TransferListener listener) {
        try (var in = new CountingInputStream(blob.open(), listener, false)) {
            write(blob.digest(), in);
            return new UploadResult(blob.descriptor(), UploadResult.How.UPLOADED, in.count(), in.count());
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public UploadResult putCompressed(CompressedLayer layer, TransferListener listener) {
        try (var read = new CountingInputStream(layer.open(), listener, false);
             var out = new CountingInputStream(layer.compression().compress(read), TransferListener.NONE, true)) {
            var tmp = temp();
            try {
                Files.copy(out, tmp, StandardCopyOption.REPLACE_EXISTING);
                var digest = out.digest();
                move(tmp, blobPath(digest));
                return new UploadResult(new Descriptor(layer.mediaType(), digest, out.count()), UploadResult.How.UPLOADED,
                        read.count(), out.count());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public Digest putManifest(String reference, byte[] raw, String mediaType) {
        var digest = Digest.sha256(raw);
        try {
            write(digest, new java.io.ByteArrayInputStream(raw));
            if (!Digest.isDigest(reference)) {
                tag(reference, new Descriptor(mediaType, digest, raw.length));
            }
            return digest;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Referrers go into index.json untagged, as oras and cosign leave them in a layout, so a later read finds them. */
    @Override
    public boolean putReferrers(Digest subject, java.util.List<Descriptor> referrers) {
        try {
            return updateIndex(manifests -> {
                var present = new java.util.HashSet<String>();
                manifests.forEach(m -> present.add(Json.text(m, "digest")));
                boolean added = false;
                for (var r : referrers) {
                    if (present.add(r.digest().toString())) {
                        manifests.add(dev.hoist.image.Referrers.toJson(r));
                        added = true;
                    }
                }
                return added;
            });
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Points a ref name at a manifest in index.json, replacing what it named before. */
    private void tag(String reference, Descriptor d) throws IOException {
        updateIndex(manifests -> {
            for (int i = manifests.size() - 1; i >= 0; i--) {
                var ann = manifests.get(i).get("annotations");
                if (ann != null && refName(reference).equals(Json.text(ann, Descriptor.REF_NAME))) {
                    manifests.remove(i);
                }
            }
            var entry = Json.MAPPER.createObjectNode();
            entry.put("mediaType", d.mediaType());
            entry.put("digest", d.digest().toString());
            entry.put("size", d.size());
            entry.putObject("annotations").put(Descriptor.REF_NAME, refName(reference));
            manifests.add(entry);
            return true;
        });
    }

    /** Changes index.json's manifests under the lock; written only when {@code change} says it changed them. */
    private boolean updateIndex(java.util.function.Predicate<com.fasterxml.jackson.databind.node.ArrayNode> change) throws IOException {
        init();
        // One JVM synchronises on the class; other processes writing the same layout take the file lock.
        synchronized (LayoutDestination.class) {
            try (var channel = FileChannel.open(dir.resolve(".hoist-index.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 var lock = channel.lock()) {
                var index = readIndex();
                if (!change.test(index.withArray("manifests"))) {
                    return false;
                }
                var tmp = temp();
                Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
                move(tmp, dir.resolve("index.json"));
                return true;
            }
        }
    }

    private ObjectNode readIndex() {
        try {
            var file = dir.resolve("index.json");
            if (Files.exists(file)) {
                return (ObjectNode) Json.parse(Files.readAllBytes(file), file.toString());
            }
            var index = Json.MAPPER.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaTypes.OCI_INDEX);
            index.putArray("manifests");
            return index;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private void write(Digest digest, InputStream in) throws IOException {
        var tmp = temp();
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            move(tmp, blobPath(digest));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Path temp() throws IOException {
        init();
        return Files.createTempFile(dir.resolve("blobs"), ".upload", ".tmp");
    }

    private void init() throws IOException {
        Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
        var marker = dir.resolve("oci-layout");
        if (!Files.exists(marker)) {
            Files.writeString(marker, "{\"imageLayoutVersion\":\"1.0.0\"}");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private RuntimeException failure(IOException e) {
        var hoist = HoistException.find(e);
        if (hoist != null) {
            return hoist;
        }
        return new HoistException("oci:" + dir + ": cannot write: " + e.getMessage(), HoistException.Kind.REMOTE, new UncheckedIOException(e));
    }
}
