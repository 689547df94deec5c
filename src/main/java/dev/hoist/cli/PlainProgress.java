package dev.hoist.cli;

import dev.hoist.engine.PushEvent;
import dev.hoist.engine.PushListener;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;

import java.io.PrintStream;
import java.util.Locale;

/** Progress off a terminal: one plain line per event that changes something, none for byte counts. */
final class PlainProgress implements PushListener {

    private final PrintStream out;

    PlainProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void on(PushEvent event) {
        var line = line(event);
        if (line != null) {
            out.println(line);
        }
    }

    static String line(PushEvent event) {
        if (event instanceof PushEvent.BlobSkipped e) {
            return "skipped " + shortDigest(e.blob()) + " (" + Sizes.human(e.size()) + ", " + e.reason() + ") " + e.target();
        } else if (event instanceof PushEvent.BlobMounted e) {
            return "mounted " + shortDigest(e.blob()) + " (" + Sizes.human(e.size()) + ") from " + e.fromRepository() + " " + e.target();
        } else if (event instanceof PushEvent.BlobDone e) {
            var compressed = e.source().equals(e.pushed().digest()) ? "" : " compressed from " + shortDigest(e.source());
            return String.format(Locale.ROOT, "pushed %s (%s%s) in %.1f s %s", shortDigest(e.pushed().digest()),
                    Sizes.human(e.bytesSent()), compressed, e.took().toMillis() / 1000.0, e.target());
        } else if (event instanceof PushEvent.ManifestPushed e) {
            var t = e.target();
            return "pushed " + (e.index() ? "index " : "manifest ") + new ImageRef(t.registry(), t.repository(), t.tag(), e.digest());
        } else if (event instanceof PushEvent.Retrying e) {
            return String.format(Locale.ROOT, "retrying in %.1f s (attempt %d): %s", e.delay().toMillis() / 1000.0,
                    e.attempt() + 1, e.reason());
        } else if (event instanceof PushEvent.WouldPush e) {
            return "would " + e.how() + " " + shortDigest(e.blob()) + " (" + Sizes.human(e.size()) + ") " + e.target();
        } else if (event instanceof PushEvent.ImageDone e) {
            if (e.result().digest() == null) {
                return "would push " + e.result().target();
            }
            return (e.result().upToDate() ? "up to date " : "done ") + e.result().target() + "@" + e.result().digest();
        }
        return null;
    }

    static String shortDigest(Digest d) {
        return d.algorithm() + ":" + d.shortHex();
    }
}
