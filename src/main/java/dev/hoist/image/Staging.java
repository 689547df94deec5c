package dev.hoist.image;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A source that can push layers while it is still reading them: a Docker daemon's export, whose
 * layers are known by their diff ID only once they have streamed by. The engine attaches an
 * uploader for a store (a registry) and a repository; the source then uploads each layer there as
 * it arrives, compressing behind the export instead of after it.
 */
public interface Staging {

    /**
     * Uploads a layer while the source reads it; returns what it became. {@code diffId} completes
     * when the source has read the layer through (at once when the source names layers by it), so
     * the engine can tell the layer by its true key as soon as it is known.
     */
    @FunctionalInterface
    interface Uploader {
        Descriptor upload(CompressedLayer layer, CompletionStage<Digest> diffId);
    }

    /** A layer the source uploaded: the repository it went to and its descriptor there. */
    record Staged(String repository, Descriptor descriptor) {
    }

    /**
     * Lets the source upload its layers into {@code repository} of the store as they stream by.
     * The first call for a store wins; it also starts the source reading if it has not yet.
     */
    void attach(String storeKey, String repository, Uploader uploader);

    /**
     * Waits until the source has passed the layer; what it became in the store when the source
     * uploaded it there, or empty when it did not (the layer is then read like any other).
     */
    Optional<Staged> staged(Digest diffId, String storeKey);

    /** Waits for uploads the source started on its own, so none is cut off when the run ends. */
    void finish();
}
