package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.CountingInputStream;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.TransferListener;
import dev.hoist.registry.UploadResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * An OCI image layout directory as a target: blobs under {@code blobs/sha256}, tagged manifests in
 * {@code index.json} named by {@code org.opencontainers.image.ref.name} (the {@code REPO:TAG} the
 * plan gave them), so skopeo reads them back as {@code oci:DIR:REPO:TAG}.
 */
final class LayoutDestination implements Destination {

    private final Path dir;
    private final String repository;
    private final LayoutIndex index;

    /** @param index the directory's index.json, shared by every destination of the directory in a run */
    LayoutDestination(Path dir, String repository, LayoutIndex index) {
        this.dir = dir;
        this.repository = repository;
        this.index = index;
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
        try {
            return index.tagged(refName(reference));
        } catch (IOException e) {
            throw failure(e);
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
             var out = new CountingInputStream(layer.compression().compress(read), listener::sent, true)) {
            // Before anything is read: the bandwidth limit counts what is written, not the source read ahead.
            listener.sent(0);
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
                index.tag(refName(reference), new Descriptor(mediaType, digest, raw.length));
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
            return index.addUntagged(referrers);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Writes the entries of index.json not written yet (the engine, at the end of a run); failures go to those waiting. */
    void writeIndex() {
        index.write();
    }

    /** Runs {@code done} once the entries written so far are in index.json, or {@code failed} if their write fails. */
    void whenIndexed(Runnable done, java.util.function.Consumer<HoistException> failed) {
        index.whenWritten(done, e -> failed.accept(failure(e)));
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

    /** Replaces {@code to} in one step where the file system can, so a reader never sees it half written. */
    static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private HoistException failure(IOException e) {
        var hoist = HoistException.find(e);
        if (hoist != null) {
            return hoist;
        }
        return new HoistException("oci:" + dir + ": cannot write: " + e.getMessage(), HoistException.Kind.REMOTE, new UncheckedIOException(e));
    }
}
