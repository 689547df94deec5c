package dev.hoist;

import java.time.Duration;
import java.util.Locale;

/** Durations as every face prints them, so an ETA reads the same in live lines, the dashboard, {@code jobs} and {@code ps}. */
public final class Durations {

    private Durations() {
    }

    /** {@code 12s}, {@code 4m12s}, {@code 1h05m}; {@code --} when unknown. */
    public static String brief(Duration d) {
        if (d == null || d.isNegative()) {
            return "--";
        }
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** {@code 1:02:03} or {@code 12:34}: elapsed time, as a clock. */
    public static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
