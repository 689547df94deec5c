package dev.hoist.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lays out live progress for a terminal of a given size: plain values in (whoever gathered them,
 * from events or a job snapshot), lines out, none wider than the terminal and no more of them
 * than fit under its last row. Names that do not fit are cut in the middle, where a repository
 * path is least telling; on narrow terminals the bars go first, then the rates.
 */
final class ProgressLines {

    /** One blob in flight: what is done to it ({@code push}, {@code gzip}), which, into where. */
    record Transfer(String verb, String blob, String name, long bytes, long size, double rate) {
    }

    /** The whole plan: images done of all, bytes done of all, rate, ETA ({@code null} when unknown), a note ({@code PAUSED}, a limit). */
    record Overall(int imagesDone, int images, long bytes, long total, double rate, String eta, String note) {
    }

    static final String CUT = "..";
    private static final int MIN_NAME = 16;

    private ProgressLines() {
    }

    /**
     * @param overall null once the plan has ended
     * @param width   the terminal's columns: every line is shorter, so no terminal wraps it
     * @param height  the terminal's rows: the block keeps one free, and says how many transfers it leaves out
     */
    static List<String> layout(List<Transfer> transfers, Overall overall, int width, int height) {
        int columns = Math.max(width - 1, 1);
        int room = Math.max(height - 1 - (overall != null ? 1 : 0), 1);
        var shown = transfers.size() > room ? transfers.subList(0, room - 1) : transfers;
        var lines = new ArrayList<String>();
        int nameWidth = 0;
        for (var t : shown) {
            nameWidth = Math.max(nameWidth, t.name().length());
        }
        int style = transferStyle(shown, nameWidth, columns);
        for (var t : shown) {
            lines.add(transfer(t, nameWidth, columns, style));
        }
        if (shown.size() < transfers.size()) {
            lines.add(fit("  and " + (transfers.size() - shown.size()) + " more", columns));
        }
        if (overall != null) {
            lines.add(overall(overall, columns));
        }
        return lines;
    }

    /** The richest style (0 widest) whose fixed parts leave a name room enough on every line. */
    private static int transferStyle(List<Transfer> shown, int nameWidth, int columns) {
        for (int style = 0; style < 4; style++) {
            int fixed = 0;
            for (var t : shown) {
                fixed = Math.max(fixed, head(t).length() + tail(t, style).length() + 1);
            }
            if (columns - fixed >= Math.min(nameWidth, MIN_NAME)) {
                return style;
            }
        }
        return 4;
    }

    private static String transfer(Transfer t, int nameWidth, int columns, int style) {
        var head = head(t);
        var tail = tail(t, style);
        int room = columns - head.length() - tail.length() - 1;
        if (room < 1) {
            return fit(head + middle(t.name(), Math.max(columns - head.length(), 1)), columns);
        }
        var name = middle(t.name(), room);
        var padded = name + " ".repeat(Math.max(0, Math.min(nameWidth, room) - name.length()));
        return fit(head + padded + " " + tail, columns);
    }

    private static String head(Transfer t) {
        return "  " + t.verb() + " " + t.blob() + " ";
    }

    private static String tail(Transfer t, int style) {
        var sizes = String.format(Locale.ROOT, "%8s/%-8s", Sizes.human(t.bytes()), t.size() > 0 ? Sizes.human(t.size()) : "?");
        var rate = String.format(Locale.ROOT, "%8s/s", Sizes.human((long) t.rate()));
        var percent = String.format(Locale.ROOT, "%4s", percent(t.bytes(), t.size()));
        return switch (style) {
            case 0 -> bar(t.bytes(), t.size(), 20) + " " + sizes + " " + rate;
            case 1 -> bar(t.bytes(), t.size(), 10) + " " + sizes + " " + rate;
            case 2 -> sizes + " " + rate;
            case 3 -> percent + " " + rate;
            default -> percent;
        };
    }

    private static String overall(Overall o, int columns) {
        var images = "  images " + o.imagesDone() + "/" + o.images();
        // Every image ended with nothing to send (blobs present or mounted): complete, not 0 of 0.
        boolean complete = o.images() > 0 && o.imagesDone() == o.images() && o.total() <= 0;
        long done = complete ? 1 : o.bytes();
        long total = complete ? 1 : o.total();
        var sizes = Sizes.human(o.bytes()) + " / " + Sizes.human(o.total());
        var rate = Sizes.human((long) o.rate()) + "/s";
        var eta = "ETA " + (o.eta() != null ? o.eta() : "--") + (o.note() == null || o.note().isEmpty() ? "" : "  " + o.note());
        for (var line : List.of(
                images + "  " + bar(done, total, 20) + " " + sizes + "  " + rate + "  " + eta,
                images + "  " + bar(done, total, 10) + " " + sizes + "  " + rate + "  " + eta,
                images + "  " + sizes + "  " + rate + "  " + eta,
                images + "  " + percent(done, total) + "  " + eta,
                images)) {
            if (line.length() <= columns) {
                return line;
            }
        }
        return fit(images, columns);
    }

    static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
        return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
    }

    private static String percent(long done, long total) {
        return total <= 0 ? "?%" : Math.min(100, done * 100 / total) + "%";
    }

    /** A name cut in the middle to {@code width} columns: {@code demo/very..ng/name}. */
    static String middle(String name, int width) {
        return middle(name, width, CUT);
    }

    /** The same with another mark where the cut is ({@code …} in tables). */
    static String middle(String name, int width, String cut) {
        if (name.length() <= width) {
            return name;
        }
        if (width <= cut.length()) {
            return name.substring(name.length() - width);
        }
        int keep = width - cut.length();
        int front = keep / 2;
        return name.substring(0, front) + cut + name.substring(name.length() - (keep - front));
    }

    /** The last guard: nothing reaches the terminal wider than it. */
    private static String fit(String line, int columns) {
        return line.length() <= columns ? line : line.substring(0, columns);
    }
}
