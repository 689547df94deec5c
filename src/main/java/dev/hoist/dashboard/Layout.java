package dev.hoist.dashboard;

/**
 * How many rows each panel gets at a terminal size. The header, the table, the failures and the key
 * line always stay; when rows run short the sparkline goes first, then the registry lines, so the
 * screen never jumps between arrangements at random; below 40x10 everything folds into one line.
 *
 * @param table rows of the main table, its title line included
 * @param spark rows of the sparkline, its title line included; 0 when dropped
 * @param failures rows of the failures panel, its title line included; 0 when the table shows them
 * @param registries one row per registry shown; 0 when dropped
 * @param footer the key line (or the prompt)
 */
record Layout(boolean oneLine, int header, int table, int spark, int failures, int registries, int footer) {

    static final int HEADER = 3;
    static final int MIN_WIDTH = 40;
    static final int MIN_HEIGHT = 10;
    private static final int MAX_REGISTRY_ROWS = 3;

    /**
     * @param failureCount failed images to list, or -1 when the main table already shows them
     * @param registryCount registries the job talks to
     */
    static Layout of(int width, int height, int failureCount, int registryCount) {
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            return new Layout(true, 1, 0, 0, 0, 0, 0);
        }
        int available = height - HEADER;
        int table = 2;
        int spark = 3;
        int failures = failureCount < 0 ? 0 : failureCount == 0 ? 1 : 2;
        int registries = Math.max(1, Math.min(registryCount, MAX_REGISTRY_ROWS));
        int footer = 1;
        if (table + spark + failures + registries + footer > available) {
            spark = 0;
        }
        if (table + spark + failures + registries + footer > available) {
            registries = 0;
        }
        int extra = available - (table + spark + failures + registries + footer);
        if (failures > 1) {
            // The failures grow with their number, up to a quarter of the screen; the table keeps the rest.
            int grow = Math.min(extra, Math.min(failureCount - 1, Math.max(0, height / 4 - 2)));
            failures += grow;
            extra -= grow;
        }
        if (spark > 0 && height >= 36) {
            int grow = Math.min(extra, 2);
            spark += grow;
            extra -= grow;
        }
        return new Layout(false, HEADER, table + extra, spark, failures, registries, footer);
    }
}
