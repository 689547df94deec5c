package dev.hoist.dashboard;

import dev.hoist.Bytes;

import java.util.Locale;

/** Figures as the dashboard prints them: short enough for a column, and rates as people type them. */
final class Units {

    private Units() {
    }

    /** {@code 12.3 MB}: as the summary line prints them. */
    static String bytes(long bytes) {
        return Bytes.human(bytes);
    }

    /** {@code 12.3M}, {@code 512B}, {@code 1.2G}: for table columns. */
    static String compact(long bytes) {
        if (bytes < 1000) {
            return bytes + "B";
        }
        String units = "kMGT";
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length() - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f%c" : "%.1f%c", v, units.charAt(u));
    }

    static String rate(double bytesPerSecond) {
        return bytes((long) bytesPerSecond) + "/s";
    }

    /**
     * A bandwidth as typed at the dashboard's prompt: {@code 20MB/s}, {@code 512k}, {@code 1.5MiB},
     * {@code 0} or {@code none} for no limit.
     *
     * @throws IllegalArgumentException with a message fit for the prompt line
     */
    static long parseRate(String text) {
        var v = text.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("/s")) {
            v = v.substring(0, v.length() - 2).trim();
        }
        if (v.equals("none") || v.equals("off")) {
            return 0;
        }
        if (v.isEmpty() || !Character.isDigit(v.charAt(0))) {
            throw new IllegalArgumentException("not a rate: '" + text.trim() + "' (e.g. 20MB/s, 512k, 0 for none)");
        }
        return Bytes.parse(v);
    }
}
