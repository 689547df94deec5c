package dev.hoist.cli;

import dev.hoist.engine.PushResult;

import java.util.Locale;

/** The one-line summary printed at the end of a push. */
final class Summary {

    private Summary() {
    }

    static String line(PushResult r) {
        double seconds = r.duration().toMillis() / 1000.0;
        return String.format(Locale.ROOT,
                "%s%d pushed, %d up to date, %d failed; blobs: %d uploaded, %d skipped, %d mounted; %s sent in %.1f s (%s/s)",
                r.cancelled() ? "cancelled: " : "", r.pushed(), r.upToDate(), r.failed(),
                r.blobsUploaded(), r.blobsSkipped(), r.blobsMounted(),
                Sizes.human(r.bytesSent()), seconds, Sizes.human((long) r.throughput()));
    }
}
