package dev.hoist.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rows of cells printed as columns two spaces apart, fit to the terminal they are read on: the
 * least important columns are left out first, then the one column that may be cut is cut in the
 * middle ({@code demo/ve…g/name}), and no line is wider than the terminal, so none wraps. With no
 * width (a pipe, a file, {@code --no-trunc}) every cell is whole.
 */
public final class Table {

    private Table() {
    }

    /**
     * @param rows      the rows (a header first, if any), each with the same number of cells
     * @param width     the terminal's columns, 0 for no limit
     * @param dropOrder indexes of the columns that may be left out, least important first
     * @param cut       the column cut in the middle when leaving out is not enough
     * @param cutFirst    how narrow the cut column may be made before any column is left out
     *                  ({@link Integer#MAX_VALUE}: not cut while a column can go instead)
     * @return one line per row, trailing spaces removed
     */
    public static List<String> lines(List<String[]> rows, int width, int[] dropOrder, int cut, int cutFirst) {
        return lines(rows, width, dropOrder, cut, cutFirst, 1);
    }

    /**
     * The same, with the cut column never narrower than {@code cutLeast} (when its cells are that
     * wide): what still does not fit is cut at the row's end, so a long last column (ps's PROGRESS)
     * does not leave the cut one a single {@code …}.
     */
    static List<String> lines(List<String[]> rows, int width, int[] dropOrder, int cut, int cutFirst, int cutLeast) {
        if (rows.isEmpty()) {
            return List.of();
        }
        int n = rows.get(0).length;
        var widths = new int[n];
        for (var row : rows) {
            for (int i = 0; i < n; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        var kept = new boolean[n];
        Arrays.fill(kept, true);
        int whole = widths[cut];
        if (width > 0 && total(widths, kept) > width) {
            widths[cut] = Math.max(Math.min(whole, cutFirst), whole - (total(widths, kept) - width));
        }
        for (int column : dropOrder) {
            if (width <= 0 || total(widths, kept) <= width) {
                break;
            }
            kept[column] = false;
        }
        // The cut column takes all the room the others leave.
        widths[cut] = whole;
        if (width > 0 && kept[cut] && total(widths, kept) > width) {
            widths[cut] = Math.max(Math.min(whole, Math.max(1, cutLeast)), whole - (total(widths, kept) - width));
        }
        var lines = new ArrayList<String>();
        for (var row : rows) {
            var sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (!kept[i]) {
                    continue;
                }
                if (!sb.isEmpty()) {
                    sb.append("  ");
                }
                var cell = ProgressLines.middle(row[i], widths[i], "…");
                sb.append(cell).append(" ".repeat(widths[i] - cell.length()));
            }
            var line = sb.toString().stripTrailing();
            lines.add(fit(line, width));
        }
        return lines;
    }

    /** The line cut at its end with {@code …} when it is wider than {@code width} (0: no limit). */
    static String fit(String line, int width) {
        return width > 0 && line.length() > width ? line.substring(0, Math.max(0, width - 1)) + "…" : line;
    }

    private static int total(int[] widths, boolean[] kept) {
        int sum = 0;
        int columns = 0;
        for (int i = 0; i < widths.length; i++) {
            if (kept[i]) {
                sum += widths[i];
                columns++;
            }
        }
        return sum + 2 * Math.max(0, columns - 1);
    }

    /**
     * The columns of the terminal a command's output is read on, 0 when it is not read on one:
     * the session's terminal in a shell or over SSH, the process's tty on the command line.
     */
    public static int width(Main.Io io) {
        if (!io.terminal()) {
            return 0;
        }
        if (io.prompt() != null && io.prompt().columns() > 0) {
            return io.prompt().columns();
        }
        if (io.out() == System.out) {
            int tty = ttyColumns();
            if (tty > 0) {
                return tty;
            }
        }
        try {
            return Math.max(0, Integer.parseInt(io.env().getOrDefault("COLUMNS", "0").trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The process's terminal's width, as {@code stty size} says it (picocli's usage width asks the same way). */
    private static int ttyColumns() {
        try {
            var stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            var out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!stty.waitFor(2, TimeUnit.SECONDS) || stty.exitValue() != 0) {
                return 0;
            }
            var parts = out.split("\\s+");
            return parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
