package dev.hoist.cli;

import dev.hoist.engine.JobSnapshot;
import dev.hoist.engine.JobState;
import dev.hoist.engine.JobView;
import dev.hoist.engine.PushEvent;
import dev.hoist.engine.PushListener;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Progress on a terminal: finished steps scroll up as plain lines (from events); below them a bar
 * per active transfer and an overall line (images done of total, bytes, rate, ETA), drawn from the
 * job's snapshot on a clock of its own, ten times a second, never once per event.
 */
final class LiveProgress implements PushListener, AutoCloseable {

    private static final long TICK_MILLIS = 100;
    private static final int BAR = 20;

    private final PrintStream out;
    private final List<String> finished = new ArrayList<>();
    private volatile JobView view;
    private Thread ticker;
    private int drawnLines;
    private boolean planDone;

    LiveProgress(PrintStream out) {
        this.out = out;
    }

    /** Starts drawing the job's figures. */
    synchronized void watch(JobView view) {
        this.view = view;
        ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(TICK_MILLIS);
                    draw();
                }
            } catch (InterruptedException ignored) {
                // Closed.
            }
        }, "hoist-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    @Override
    public void on(PushEvent event) {
        var line = PlainProgress.line(event);
        synchronized (this) {
            if (event instanceof PushEvent.PlanStarted) {
                planDone = false;
            }
            if (line != null && !(event instanceof PushEvent.BlobSkipped)) {
                finished.add(line);
            }
            if (event instanceof PushEvent.PlanDone) {
                planDone = true;
            }
        }
        if (line != null || event instanceof PushEvent.PlanDone) {
            draw();
        }
    }

    /** Stops drawing; what is left on screen is the finished lines. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = ticker;
            planDone = true;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        draw();
    }

    private synchronized void draw() {
        var sb = new StringBuilder();
        if (drawnLines > 0) {
            sb.append("\033[").append(drawnLines).append("F\033[J");
        }
        for (var line : finished) {
            sb.append(line).append('\n');
        }
        finished.clear();
        int lines = 0;
        var v = view;
        if (v != null && !planDone) {
            var s = v.snapshot();
            for (var t : s.transfers()) {
                var label = verb(t.state()) + " " + t.blob().algorithm() + ":" + t.blob().shortHex() + " " + t.target().repository();
                sb.append(String.format(Locale.ROOT, "  %-44s %s %9s / %-9s %9s/s%n", label, bar(t.bytes(), t.size()),
                        Sizes.human(t.bytes()), t.size() > 0 ? Sizes.human(t.size()) : "?", Sizes.human((long) t.rate())));
                lines++;
            }
            sb.append(overall(s)).append('\n');
            lines++;
        }
        drawnLines = lines;
        out.print(sb);
        out.flush();
    }

    static String overall(JobSnapshot s) {
        var t = s.totals();
        var line = String.format(Locale.ROOT, "  images %d/%d  %s %s / %s  %s/s  ETA %s", t.done(), t.images(),
                bar(t.bytesSent(), t.bytesToSend()), Sizes.human(t.bytesSent()), Sizes.human(t.bytesToSend()),
                Sizes.human((long) t.rateNow()), eta(t.eta()));
        if (s.state() == JobState.PAUSED) {
            line += "  PAUSED";
        }
        if (s.rateLimit() > 0) {
            line += "  limit " + Sizes.human(s.rateLimit()) + "/s";
        }
        return line;
    }

    private static String verb(String state) {
        return switch (state) {
            case "compressing" -> "gzip ";
            case "mounting" -> "mount";
            case "waiting" -> "wait ";
            case "retrying" -> "retry";
            default -> "push ";
        };
    }

    private static String bar(long done, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(BAR, done * BAR / total);
        return "[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "]";
    }

    static String eta(Duration eta) {
        if (eta == null) {
            return "--";
        }
        long seconds = eta.toSeconds();
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
