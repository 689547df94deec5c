package dev.hoist;

import java.util.Locale;

/**
 * Byte counts as people write and read them, one rule for every face: {@code 5MB}, {@code 16MiB},
 * {@code 512k}, {@code 1048576} in, {@code 12.3 MB} out.
 */
public final class Bytes {

    private Bytes() {
    }

    /** @throws IllegalArgumentException with a message fit for the user */
    public static long parse(String value) {
        var v = value.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + value + "' is not a size (e.g. 5MB, 16MiB, 1048576)");
        }
        long unit = switch (v.substring(i).trim()) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1000L;
            case "ki", "kib" -> 1024L;
            case "m", "mb" -> 1000L * 1000;
            case "mi", "mib" -> 1024L * 1024;
            case "g", "gb" -> 1000L * 1000 * 1000;
            case "gi", "gib" -> 1024L * 1024 * 1024;
            default -> throw new IllegalArgumentException("'" + value + "' has an unknown unit (use k, MB, MiB, G)");
        };
        try {
            return (long) (Double.parseDouble(v.substring(0, i)) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a size (e.g. 5MB, 16MiB, 1048576)");
        }
    }

    /** {@code 12.3 MB}. */
    public static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
