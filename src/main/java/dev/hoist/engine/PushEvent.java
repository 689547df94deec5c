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

    /** @param bytes what the plan's blobs hold at their source (uncompressed for docker-save layers), for an ETA */
    record PlanStarted(int images, int concurrency, long bytes, boolean dryRun) implements PushEvent {
    }

    record ImageQueued(String source, ImageRef target) implements PushEvent {
    }

    record BlobStarted(ImageRef target, Digest blob, long size, boolean compressing) implements PushEvent {
    }

    record BlobProgress(ImageRef target, Digest blob, long bytes, long size) implements PushEvent {
    }

    /** The target already had the blob, or another image of this run put it there. */
    record BlobSkipped(ImageRef target, Digest blob, long size, String reason) implements PushEvent {
    }

    record BlobMounted(ImageRef target, Digest blob, long size, String fromRepository) implements PushEvent {
    }

    /** @param source what the blob was known by while it was read (a diff ID for compressed layers) */
    record BlobDone(ImageRef target, Digest source, Descriptor pushed, long bytesRead, long bytesSent, Duration took)
            implements PushEvent {
    }

    record ManifestPushed(ImageRef target, Digest digest, String mediaType, boolean index) implements PushEvent {
    }

    record Retrying(int attempt, Duration delay, String reason) implements PushEvent {
    }

    /** In a dry run: what would be sent ({@code how} is "upload" or "mount"), with the size known so far. */
    record WouldPush(ImageRef target, Digest blob, long size, String how) implements PushEvent {
    }

    record ImageDone(ImageResult result) implements PushEvent {
    }

    record ImageFailed(ImageResult result) implements PushEvent {
    }

    record PlanDone(PushResult result) implements PushEvent {
    }
}
