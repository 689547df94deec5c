package dev.hoist.dsl;

/**
 * Size units on numbers in scripts: {@code 8.MiB}, {@code 500.MB}, {@code 1.5.GiB}. A Groovy
 * extension module, so editors complete them too.
 */
public final class SizeUnits {

    private SizeUnits() {
    }

    private static long times(Number n, long unit) {
        return Math.round(n.doubleValue() * unit);
    }

    public static long getKB(Number n) {
        return times(n, 1000L);
    }

    public static long getMB(Number n) {
        return times(n, 1000L * 1000);
    }

    public static long getGB(Number n) {
        return times(n, 1000L * 1000 * 1000);
    }

    public static long getKiB(Number n) {
        return times(n, 1024L);
    }

    public static long getMiB(Number n) {
        return times(n, 1024L * 1024);
    }

    public static long getGiB(Number n) {
        return times(n, 1024L * 1024 * 1024);
    }
}
