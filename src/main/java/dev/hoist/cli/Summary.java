package dev.hoist.cli;

import dev.hoist.engine.PushResult;

import java.util.Locale;

/** The one-line summary printed at the end of a push. */
final class Summary {

    private Summary() {
    }

    static String line(PushResult r) {
        double seconds = r.duration().toMillis() / 1000.0;
        if (r.dryRun()) {
            return String.format(Locale.ROOT,
                    "dry run: %d of %d images would be pushed, %d up to date, %d failed; blobs: %d to upload (%s at their source), %d to mount, %d present",
                    r.pushed(), r.found(), r.upToDate(), r.failed(), r.blobsUploaded(), Sizes.human(r.bytesRead()),
                    r.blobsMounted(), r.blobsSkipped());
        }
        return String.format(Locale.ROOT,
                "%s%d pushed, %d up to date, %d failed%s; blobs: %d uploaded, %d skipped, %d mounted; %s sent in %.1f s (%s/s)%s",
                r.cancelled() ? "cancelled: " : "", r.pushed(), r.upToDate(), r.failed(),
                r.found() > r.images().size() ? " (" + r.images().size() + " of " + r.found() + " selected)" : "",
                r.blobsUploaded(), r.blobsSkipped(), r.blobsMounted(),
                Sizes.human(r.bytesSent()), seconds, Sizes.human((long) r.throughput()),
                r.retries() > 0 ? "; " + r.retries() + " retries" : "");
    }
}
