package dev.hoist.engine;

import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A job's live figures at one moment: read-only, immutable, cheap to take at any time by any
 * number of viewers (progress lines, the dashboard, the shell's {@code jobs}, a remote attach).
 *
 * @param ended null while the job runs
 * @param rateLimit bytes per second over all transfers, 0 for none
 * @param log the last notable events (failures, retries, warnings, controls), oldest first
 * @param rateHistory bytes sent in each second, oldest first, the last ~300 s
 */
public record JobSnapshot(int id, String name, JobState state, Instant started, Instant ended,
                          int concurrency, long rateLimit, Totals totals, List<ImageRow> images,
                          List<TransferRow> transfers, List<RegistryRow> registries, List<LogEntry> log,
                          List<Long> rateHistory) {

    public JobSnapshot {
        images = List.copyOf(images);
        transfers = List.copyOf(transfers);
        registries = List.copyOf(registries);
        log = List.copyOf(log);
        rateHistory = List.copyOf(rateHistory);
    }

    /**
     * @param bytesToSend what the job will really send: sent, in flight, and an estimate for blobs not yet
     *                    looked at (from the share of bytes that had to be sent among those looked at so far)
     * @param rateNow bytes per second over the last few seconds
     * @param rateAvg bytes per second since the start
     * @param eta null when unknown (nothing moving yet)
     * @param blobsPresent blobs the target had already (or another image of the job put there)
     * @param blobsMounted blobs the registry mounted from another of its repositories
     */
    public record Totals(int images, int done, int pushed, int upToDate, int failed, long bytesToSend,
                         long bytesSent, double rateNow, double rateAvg, Duration eta, int blobsPresent,
                         int blobsMounted) {

        /**
         * Every image has ended well and none had a byte to send: the job is complete, not at 0 of 0
         * bytes. A job whose images failed or were cancelled before sending anything is not complete.
         */
        public boolean nothingToSend() {
            return images > 0 && pushed + upToDate == images && bytesToSend <= 0;
        }

        /** Of the bytes to send, the share sent: 100 when there was nothing to send. */
        public int percentSent() {
            if (nothingToSend()) {
                return 100;
            }
            return bytesToSend > 0 ? (int) Math.min(100, bytesSent * 100 / bytesToSend) : 0;
        }

        /** Why nothing went out, once {@link #nothingToSend()}: "3 blobs present, 2 mounted", or "all up to date". */
        public String whyNothingSent() {
            var parts = new java.util.ArrayList<String>();
            if (blobsPresent > 0) {
                parts.add(blobsPresent + (blobsPresent == 1 ? " blob" : " blobs") + " present");
            }
            if (blobsMounted > 0) {
                parts.add(blobsMounted + (parts.isEmpty() ? (blobsMounted == 1 ? " blob" : " blobs") : "") + " mounted");
            }
            return parts.isEmpty() ? (upToDate == images ? "all up to date" : "no blob to send") : String.join(", ", parts);
        }
    }

    /** @param state queued, pushing, pushed, up to date, would push (a dry run), failed or cancelled */
    public record ImageRow(String source, ImageRef target, String state, long bytesSent, long bytesToSend,
                           int blobsDone, int blobsTotal, int retries, String error) {
    }

    /**
     * One blob under way.
     *
     * @param worker the worker slot (1..concurrency), 0 for a transfer outside the pool (a daemon export)
     * @param state uploading, compressing, mounting, waiting (for a blob another image is sending, or for a daemon
     *              export to reach the layer), retrying
     * @param nextAttempt when a retrying transfer tries again, else null
     */
    public record TransferRow(int worker, ImageRef target, Digest blob, long size, long bytes, double rate,
                              String state, Instant nextAttempt) {
    }

    /** @param backoff how long until the registry is asked again after a failure, zero when not waiting */
    public record RegistryRow(String registry, int inFlight, int status429, int status5xx, Duration backoff) {
    }

    /** @param level info, warn or error */
    public record LogEntry(Instant at, String level, String message) {
    }
}
