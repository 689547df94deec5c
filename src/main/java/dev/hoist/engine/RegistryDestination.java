package dev.hoist.engine;

import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Descriptor;
import dev.hoist.image.MediaTypes;
import dev.hoist.image.Referrers;
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
    public void reach() {
        client.ping();
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

    /** Registries with the referrers API index referrers themselves; for the others, the fallback tag is kept up to date. */
    @Override
    public boolean putReferrers(Digest subject, java.util.List<Descriptor> referrers) {
        if (client.referrersApi(repository, subject)) {
            return false;
        }
        var tag = Referrers.fallbackTag(subject);
        var existing = client.manifest(repository, tag).orElse(null);
        var index = Referrers.fallbackIndex(existing, referrers, client.host() + "/" + repository + ":" + tag);
        index.ifPresent(raw -> client.putManifest(repository, tag, raw, MediaTypes.OCI_INDEX));
        return index.isPresent();
    }
}
