package dev.hoist.engine;

import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Digest;
import dev.hoist.image.TransferListener;
import dev.hoist.registry.RegistryClient;
import dev.hoist.registry.UploadResult;

import java.util.Optional;

/** A repository in a registry. */
record RegistryDestination(RegistryClient client, String repository) implements Destination {

    @Override
    public String storeKey() {
        return client.host();
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return client.blobExists(repository, digest);
    }

    @Override
    public Optional<Digest> manifestDigest(String reference) {
        return client.manifestDigest(repository, reference);
    }

    @Override
    public UploadResult putBlob(Blob blob, String mountFrom, TransferListener listener) {
        return client.uploadBlob(repository, blob, mountFrom, listener);
    }

    @Override
    public UploadResult putCompressed(CompressedLayer layer, TransferListener listener) {
        return client.uploadCompressed(repository, layer, listener);
    }

    @Override
    public Digest putManifest(String reference, byte[] raw, String mediaType) {
        return client.putManifest(repository, reference, raw, mediaType);
    }
}
