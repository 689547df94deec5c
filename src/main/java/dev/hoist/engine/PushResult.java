package dev.hoist.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a plan: counts, bytes, timings, and every image's result.
 *
 * @param found images the sources held before filters
 * @param retries requests that were tried again
 */
public record PushResult(Instant started, Instant ended, int found, List<ImageResult> images, int retries,
                         boolean cancelled, boolean dryRun) {

    public PushResult {
        images = List.copyOf(images);
    }

    public Duration duration() {
        return Duration.between(started, ended);
    }

    public long pushed() {
        return images.stream().filter(i -> i.ok() && !i.upToDate()).count();
    }

    public long upToDate() {
        return images.stream().filter(i -> i.ok() && i.upToDate()).count();
    }

    public long failed() {
        return images.stream().filter(i -> !i.ok()).count();
    }

    public long bytesRead() {
        return images.stream().mapToLong(ImageResult::bytesRead).sum();
    }

    public long bytesSent() {
        return images.stream().mapToLong(ImageResult::bytesSent).sum();
    }

    public int blobsUploaded() {
        return images.stream().mapToInt(ImageResult::blobsUploaded).sum();
    }

    public int blobsSkipped() {
        return images.stream().mapToInt(ImageResult::blobsSkipped).sum();
    }

    public int blobsMounted() {
        return images.stream().mapToInt(ImageResult::blobsMounted).sum();
    }

    /** Bytes sent per second over the whole run. */
    public double throughput() {
        double seconds = Math.max(duration().toNanos() / 1e9, 1e-3);
        return bytesSent() / seconds;
    }

    public List<String> errors() {
        return images.stream().filter(i -> !i.ok()).map(i -> i.target() + ": " + i.error()).toList();
    }

    public boolean ok() {
        return failed() == 0 && !cancelled;
    }
}
