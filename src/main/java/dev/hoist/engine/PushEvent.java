package dev.hoist.engine;

import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;

import java.time.Duration;

/**
 * What the engine tells its listeners. Immutable; events about one image arrive in the order they
 * happened. A blob is named by its digest, or by its diff ID while it is being compressed.
 */
public sealed interface PushEvent {

    record PlanStarted(int images, int concurrency) implements PushEvent {
    }

    record ImageQueued(String source, ImageRef target) implements PushEvent {
    }

    record BlobStarted(ImageRef target, Digest blob, long size, boolean compressing) implements PushEvent {
    }

    record BlobProgress(ImageRef target, Digest blob, long bytes, long size) implements PushEvent {
    }

    /** The registry already had the blob, or another image of this run put it there. */
    record BlobSkipped(ImageRef target, Digest blob, long size, String reason) implements PushEvent {
    }

    record BlobMounted(ImageRef target, Digest blob, long size, String fromRepository) implements PushEvent {
    }

    /** @param source what the blob was known by while it was read (a diff ID for compressed layers) */
    record BlobDone(ImageRef target, Digest source, Descriptor pushed, long bytesSent, Duration took) implements PushEvent {
    }

    record ManifestPushed(ImageRef target, Digest digest, String mediaType, boolean index) implements PushEvent {
    }

    record Retrying(int attempt, Duration delay, String reason) implements PushEvent {
    }

    record ImageDone(ImageResult result) implements PushEvent {
    }

    record ImageFailed(ImageResult result) implements PushEvent {
    }

    record PlanDone(PushResult result) implements PushEvent {
    }
}
