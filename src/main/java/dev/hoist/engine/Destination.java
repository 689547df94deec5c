package dev.hoist.engine;

import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Digest;
import dev.hoist.image.TransferListener;
import dev.hoist.registry.UploadResult;

import java.util.Optional;

/**
 * Where the images of a target go: a repository of a registry, or an OCI layout directory. The
 * engine writes through this and nothing else, so both targets get the same plan, dedupe, events
 * and report.
 */
interface Destination {

    /** Blobs can be mounted between destinations with the same store key (a registry host). */
    String storeKey();

    /** The repository within the store, for mounts; the layout path for layouts. */
    String repository();

    /**
     * Checks the store can be used at all (a registry's {@code GET /v2/}), before any request of an
     * image; a layout directory always can. Its failure is the store's, not one image's.
     */
    default void reach() {
    }

    boolean hasBlob(Digest digest);

    Optional<Digest> manifestDigest(String reference);

    /** Puts a blob of known digest; {@code mountFrom} names a repository of the same store that holds it, or null. */
    UploadResult putBlob(Blob blob, String mountFrom, TransferListener listener);

    /** Compresses a layer on its way in, learning its digest. */
    UploadResult putCompressed(CompressedLayer layer, TransferListener listener);

    /** Puts a manifest or index under a tag, or under its digest when {@code reference} is one. */
    Digest putManifest(String reference, byte[] raw, String mediaType);

    /**
     * Makes referrers (already put by digest) findable from their subject where the store does not
     * do it itself: the referrers tag schema index of a registry without the referrers API, untagged
     * entries of a layout's index.json. True when something was written.
     */
    boolean putReferrers(Digest subject, java.util.List<dev.hoist.image.Descriptor> referrers);
}
