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
 * Progress on a terminal: finished steps scroll up as plain lines; below them a bar per active
 * transfer and an overall line (images done of total, bytes, rate, ETA), redrawn in place at most
 * ten times a second.
 */
final class LiveProgress implements PushListener {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 20;

    private record Active(String label, long size, long started, long bytes) {
    }

    private final PrintStream out;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private final List<String> finished = new ArrayList<>();
    private int drawnLines;
    private long lastDraw;
    private long planStarted = System.nanoTime();
    private int images;
    private int imagesDone;
    private long totalBytes;
    private long doneBytes;

    LiveProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void on(PushEvent event) {
        boolean force = false;
        if (event instanceof PushEvent.PlanStarted e) {
            planStarted = System.nanoTime();
            images = e.images();
            totalBytes = e.bytes();
        } else if (event instanceof PushEvent.BlobStarted e) {
            active.put(key(e.target().toString(), e.blob()), new Active(
                    (e.compressing() ? "gzip " : "push ") + PlainProgress.shortDigest(e.blob()) + " " + e.target().repository(),
                    e.size(), System.nanoTime(), 0));
        } else if (event instanceof PushEvent.BlobProgress e) {
            active.computeIfPresent(key(e.target().toString(), e.blob()),
                    (k, a) -> new Active(a.label, a.size, a.started, e.bytes()));
        } else if (event instanceof PushEvent.BlobDone e) {
            active.remove(key(e.target().toString(), e.source()));
            doneBytes += e.bytesRead();
        } else if (event instanceof PushEvent.BlobSkipped e) {
            doneBytes += e.size();
        } else if (event instanceof PushEvent.BlobMounted e) {
            doneBytes += e.size();
        } else if (event instanceof PushEvent.ImageDone || event instanceof PushEvent.ImageFailed) {
            imagesDone++;
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
            draw(now, event instanceof PushEvent.PlanDone);
        }
    }

    private static String key(String target, Digest blob) {
        return target + "|" + blob;
    }

    private void draw(long now, boolean last) {
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
            sb.append(String.format(Locale.ROOT, "  %-44s %s %9s / %-9s %9s/s%n", a.label, bar(a.bytes, a.size),
                    Sizes.human(a.bytes), a.size > 0 ? Sizes.human(a.size) : "?", Sizes.human((long) (a.bytes / seconds))));
            lines++;
        }
        if (!last) {
            double seconds = Math.max((now - planStarted) / 1e9, 1e-3);
            long processed = Math.min(doneBytes + inFlight, totalBytes);
            double rate = processed / seconds;
            var eta = rate > 0 && totalBytes > processed ? eta((long) ((totalBytes - processed) / rate)) : "--";
            sb.append(String.format(Locale.ROOT, "  images %d/%d  %s %s / %s  %s/s  ETA %s%n", imagesDone, images,
                    bar(processed, totalBytes), Sizes.human(processed), Sizes.human(totalBytes),
                    Sizes.human((long) rate), eta));
            lines++;
        }
        drawnLines = lines;
        lastDraw = now;
        out.print(sb);
        out.flush();
    }

    private static String bar(long done, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(BAR, done * BAR / total);
        return "[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "]";
    }

    private static String eta(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
