package dev.hoist.cli;

import dev.hoist.engine.PushEvent;
import dev.hoist.engine.PushListener;
import dev.hoist.image.Digest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Progress on a terminal: finished steps scroll up as plain lines, and below them a live line per
 * active blob (bytes, rate) and a total, redrawn in place at most ten times a second.
 */
final class LiveProgress implements PushListener {

    private static final long REDRAW_NANOS = 100_000_000L;

    private record Active(String label, long size, long started, long bytes) {
    }

    private final PrintStream out;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private final List<String> finished = new ArrayList<>();
    private int drawnLines;
    private long lastDraw;
    private long totalSent;
    private long planStarted = System.nanoTime();

    LiveProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void on(PushEvent event) {
        boolean force = false;
        if (event instanceof PushEvent.PlanStarted) {
            planStarted = System.nanoTime();
        } else if (event instanceof PushEvent.BlobStarted e) {
            active.put(key(e.target().toString(), e.blob()), new Active(
                    (e.compressing() ? "gzip+push " : "push ") + PlainProgress.shortDigest(e.blob()) + " " + e.target().repository(),
                    e.size(), System.nanoTime(), 0));
        } else if (event instanceof PushEvent.BlobProgress e) {
            active.computeIfPresent(key(e.target().toString(), e.blob()),
                    (k, a) -> new Active(a.label, a.size, a.started, e.bytes()));
        } else if (event instanceof PushEvent.BlobDone e) {
            active.remove(key(e.target().toString(), e.source()));
            totalSent += e.bytesSent();
        } else if (event instanceof PushEvent.PlanDone) {
            active.clear();
            force = true;
        }
        var line = PlainProgress.line(event);
        if (line != null && !(event instanceof PushEvent.BlobSkipped)) {
            finished.add(line);
            force = true;
        }
        long now = System.nanoTime();
        if (force || now - lastDraw >= REDRAW_NANOS) {
            draw(now);
        }
    }

    private static String key(String target, Digest blob) {
        return target + "|" + blob;
    }

    private void draw(long now) {
        var sb = new StringBuilder();
        if (drawnLines > 0) {
            sb.append("\033[").append(drawnLines).append("F\033[J");
        }
        for (var line : finished) {
            sb.append(line).append('\n');
        }
        finished.clear();
        int lines = 0;
        long inFlight = 0;
        for (var a : active.values()) {
            double seconds = Math.max((now - a.started) / 1e9, 1e-3);
            inFlight += a.bytes;
            sb.append(String.format(Locale.ROOT, "  %-48s %9s / %-9s %9s/s%n", a.label, Sizes.human(a.bytes),
                    a.size > 0 ? Sizes.human(a.size) : "?", Sizes.human((long) (a.bytes / seconds))));
            lines++;
        }
        if (!active.isEmpty()) {
            double seconds = Math.max((now - planStarted) / 1e9, 1e-3);
            long sent = totalSent + inFlight;
            sb.append(String.format(Locale.ROOT, "  %d active, %s sent, %s/s%n", active.size(), Sizes.human(sent),
                    Sizes.human((long) (sent / seconds))));
            lines++;
        }
        drawnLines = lines;
        lastDraw = now;
        out.print(sb);
        out.flush();
    }
}
