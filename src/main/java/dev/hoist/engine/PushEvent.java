package dev.hoist.engine;

import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;

import java.time.Duration;

/**
 * What the engine tells its listeners. Immutable; events about one image arrive in the order they
 * happened. A blob is named by its digest, or by its diff ID while it is being compressed. A layer a
 * source uploads while still reading it (a daemon export) is told only once its diff ID and the image
 * it counts for are known, never under a stand-in key (see {@link StreamedLayer}).
 */
public sealed interface PushEvent {

    /** @param bytes what the plan's blobs hold at their source (uncompressed for docker-save layers), for an ETA */
    record PlanStarted(int images, int concurrency, long bytes, boolean dryRun) implements PushEvent {
    }

    record ImageQueued(String source, ImageRef target) implements PushEvent {
    }

    /** One more blob an image needs, before it is known whether it must be sent: counts the image's blobs. */
    record BlobQueued(ImageRef target, Digest blob, long size) implements PushEvent {
    }

    /** @param worker the blob worker slot (1..concurrency) doing it, 0 when no worker of the pool does (a daemon export) */
    record BlobStarted(ImageRef target, Digest blob, long size, boolean compressing, int worker) implements PushEvent {

        public BlobStarted(ImageRef target, Digest blob, long size, boolean compressing) {
            this(target, blob, size, compressing, 0);
        }
    }

    /** A worker asks the registry to mount a blob from another repository of it. */
    record MountStarted(ImageRef target, Digest blob, long size, String fromRepository, int worker) implements PushEvent {
    }

    /**
     * A worker waits for another image of this run to get a blob into the same registry, to mount it
     * from there; or for a source that pushes while it reads (a daemon export) to reach the layer.
     */
    record BlobWaiting(ImageRef target, Digest blob, long size, int worker) implements PushEvent {
    }

    record BlobProgress(ImageRef target, Digest blob, long bytes, long size) implements PushEvent {
    }

    /** The target already had the blob, or another image of this run put it there. */
    record BlobSkipped(ImageRef target, Digest blob, long size, String reason) implements PushEvent {
    }

    /** @param source what the blob was known by when its transfer started (a diff ID for a layer compressed before) */
    record BlobMounted(ImageRef target, Digest blob, long size, String fromRepository, Digest source) implements PushEvent {

        public BlobMounted(ImageRef target, Digest blob, long size, String fromRepository) {
            this(target, blob, size, fromRepository, blob);
        }
    }

    /** @param source what the blob was known by while it was read (a diff ID for compressed layers) */
    record BlobDone(ImageRef target, Digest source, Descriptor pushed, long bytesRead, long bytesSent, Duration took)
            implements PushEvent {
    }

    record ManifestPushed(ImageRef target, Digest digest, String mediaType, boolean index) implements PushEvent {
    }

    /**
     * A request failed and will be tried again after {@code delay}. Target, blob and registry say whose request it
     * was (null when not known); status is the HTTP status (0: no answer); retryAfter what the registry asked, or null.
     */
    record Retrying(int attempt, Duration delay, String reason, ImageRef target, Digest blob, String registry,
                    int status, Duration retryAfter) implements PushEvent {

        public Retrying(int attempt, Duration delay, String reason) {
            this(attempt, delay, reason, null, null, null, 0, null);
        }
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
