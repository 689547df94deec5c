package dev.hoist.dashboard;

import dev.hoist.Durations;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import dev.hoist.engine.JobSnapshot;
import dev.hoist.engine.JobState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Draws one frame: a snapshot and the dashboard's own state, into a back buffer of a given size. It
 * only writes characters; the screen sends the cells that changed. States read as words and symbols
 * ({@code ✓ pushed}, {@code ✗ failed}, {@code PAUSED}), colour only adds to them, so monochrome
 * terminals and {@code NO_COLOR} lose nothing.
 */
final class Painter {

    private static final String SPARKS = "▁▂▃▄▅▆▇█";

    private final TextGraphics g;
    private final int width;
    private final int height;
    private final boolean mono;
    private final Instant now;

    Painter(TextGraphics g, int width, int height, boolean mono, Instant now) {
        this.g = g;
        this.width = width;
        this.height = height;
        this.mono = mono;
        this.now = now;
    }

    void paint(JobSnapshot s, Controls.Ui ui, List<JobSnapshot.ImageRow> failures) {
        plain();
        g.fill(' ');
        var failurePanel = ui.rows() == Controls.Rows.FAILURES ? -1 : failures.size();
        var layout = Layout.of(width, height, failurePanel, s.registries().size());
        if (layout.oneLine()) {
            oneLine(s, ui);
            return;
        }
        int row = header(s);
        row = table(row, layout.table(), s, ui, failures);
        if (layout.spark() > 0) {
            row = sparkline(row, layout.spark(), s.rateHistory());
        }
        if (layout.failures() > 0) {
            row = failures(row, layout.failures(), failures, ui);
        }
        if (layout.registries() > 0) {
            row = registries(row, layout.registries(), s.registries());
        }
        footer(row, s, ui);
        switch (ui.prompt()) {
            case HELP -> box("keys", help(ui.readOnly()));
            case CONFIRM_CANCEL -> box("cancel", List.of("Cancel the push? Images not finished fail as cancelled.",
                    "", "y: cancel it    any other key: go on"));
            case DETAIL -> detail(s, ui.detail());
            default -> {
            }
        }
    }

    // ---- header -------------------------------------------------------------------------------

    private int header(JobSnapshot s) {
        var t = s.totals();
        var elapsed = Duration.between(s.started() == null ? now : s.started(), s.ended() == null ? now : s.ended());
        var state = stateWord(s.state());
        var rest = "  " + Durations.clock(elapsed) + "  workers " + s.concurrency() + "  "
                + (s.rateLimit() > 0 ? "limit " + Units.rate(s.rateLimit()) : "no limit");
        var job = "  job " + s.id() + "  ";
        // The name (often the whole command line) gives way first: the state and the figures stay visible.
        int nameWidth = Math.max(8, width - 1 - job.length() - state.length() - rest.length());
        var name = s.name().length() > nameWidth ? fit(s.name(), nameWidth).stripTrailing() : s.name();
        int col = put(0, 0, " " + name, SGR.BOLD);
        col = put(col, 0, job);
        col = state(col, 0, s.state());
        put(col, 0, rest);

        col = put(0, 1, String.format(Locale.ROOT, " images %d/%d  ", t.done(), t.images()));
        col = put(col, 1, "✓ " + t.pushed() + " pushed", null, TextColor.ANSI.GREEN);
        col = put(col, 1, "  = " + t.upToDate() + " up to date  ");
        col = put(col, 1, "✗ " + t.failed() + " failed", t.failed() > 0 ? SGR.BOLD : null,
                t.failed() > 0 ? TextColor.ANSI.RED : null);
        if (width - col > 12) {
            put(col + 2, 1, bar(t.percentSent(), 100, Math.min(30, width - col - 3)));
        }

        var timing = Controls.ended(s) ? "took " + Durations.brief(elapsed) : "ETA " + Durations.brief(t.eta());
        // A push with nothing to send is complete, and says why: its blobs were there or mounted.
        var why = t.nothingToSend() ? " (nothing to send: " + t.whyNothingSent() + ")" : "";
        put(0, 2, String.format(Locale.ROOT, " sent %s of %s  %d%%%s  now %s  avg %s  %s", Units.bytes(t.bytesSent()),
                Units.bytes(t.bytesToSend()), t.percentSent(), why, Units.rate(t.rateNow()), Units.rate(t.rateAvg()), timing));
        return Layout.HEADER;
    }

    private int state(int col, int row, JobState state) {
        var color = switch (state) {
            case RUNNING, DONE -> TextColor.ANSI.GREEN;
            case PAUSED, CANCELLED, QUEUED -> TextColor.ANSI.YELLOW;
            case FAILED -> TextColor.ANSI.RED;
        };
        return put(col, row, stateWord(state), SGR.BOLD, color);
    }

    private static String stateWord(JobState state) {
        var symbol = switch (state) {
            case RUNNING -> "▶ ";
            case PAUSED -> "‖ ";
            case DONE -> "✓ ";
            case FAILED -> "✗ ";
            case CANCELLED -> "■ ";
            case QUEUED -> "… ";
        };
        return symbol + state.name();
    }

    // ---- main table ---------------------------------------------------------------------------

    private int table(int row, int rows, JobSnapshot s, Controls.Ui ui, List<JobSnapshot.ImageRow> failures) {
        return switch (ui.rows()) {
            case ACTIVE -> transfers(row, rows, s, ui);
            case ALL -> images(row, rows, s, ui);
            case FAILURES -> failureRows(row, rows, failures, ui);
        };
    }

    private int transfers(int row, int rows, JobSnapshot s, Controls.Ui ui) {
        var list = s.transfers().stream().filter(t -> Controls.matches(nameOf(t), ui.filter()))
                .sorted(Comparator.comparingInt(JobSnapshot.TransferRow::worker)).toList();
        int barWidth = width >= 100 ? 22 : 10;
        int imageWidth = Math.max(8, width - (1 + 3 + 13 + 12 + (barWidth + 1) + 12 + 10));
        title(row, String.format(Locale.ROOT, " %-3s%-" + imageWidth + "s %-12s %-11s %-" + barWidth + "s %11s %9s",
                "W", "IMAGE" + suffix("active", list.size(), ui), "BLOB", "STATE", "PROGRESS", "BYTES", "RATE"));
        int shown = fitRows(rows - 1, list.size());
        for (int i = 0; i < shown; i++) {
            var t = list.get(i);
            int r = row + 1 + i;
            int col = put(0, r, String.format(Locale.ROOT, " %-3s", t.worker() > 0 ? String.valueOf(t.worker()) : "-"));
            col = put(col, r, fit(nameOf(t), imageWidth) + " ");
            col = put(col, r, fit(t.blob() == null ? "" : t.blob().shortHex(), 12) + " ");
            var state = transferState(t);
            col = put(col, r, fit(state, 11) + " ", null, state.startsWith("retry") ? TextColor.ANSI.YELLOW : null);
            col = put(col, r, bar(t.bytes(), t.size(), barWidth) + " ", null, TextColor.ANSI.CYAN);
            put(col, r, String.format(Locale.ROOT, "%11s %9s", Units.compact(t.bytes()) + "/" + (t.size() >= 0 ? Units.compact(t.size()) : "?"),
                    Units.compact((long) t.rate()) + "/s"));
        }
        more(row + 1 + shown, list.size() - shown, rows - 1 - shown);
        if (list.isEmpty() && rows > 1) {
            put(0, row + 1, ui.filter().isEmpty() ? " no transfer in flight" : " no transfer matches the filter", SGR.BOLD);
        }
        return row + rows;
    }

    private int images(int row, int rows, JobSnapshot s, Controls.Ui ui) {
        var list = new ArrayList<JobSnapshot.ImageRow>();
        for (var image : s.images()) {
            if (Controls.matches(nameOf(image), ui.filter())) {
                list.add(image);
            }
        }
        // Unfinished work stays on top, as BuildKit keeps it visible; the order within a rank is the plan's.
        list.sort(Comparator.comparingInt(Painter::rank));
        int imageWidth = Math.max(10, (width - 40) / 2);
        title(row, String.format(Locale.ROOT, " %-13s%-" + imageWidth + "s %7s %11s %5s  %s", "STATE",
                "IMAGE" + suffix("images", list.size(), ui), "BLOBS", "BYTES", "RETRY", "ERROR"));
        int shown = fitRows(rows - 1, list.size());
        for (int i = 0; i < shown; i++) {
            var image = list.get(i);
            int r = row + 1 + i;
            int col = put(0, r, " " + fit(symbol(image.state()) + " " + image.state(), 12) + " ", null, colorOf(image));
            col = put(col, r, fit(nameOf(image), imageWidth) + " ");
            col = put(col, r, String.format(Locale.ROOT, "%7s %11s %5s  ", image.blobsDone() + "/" + image.blobsTotal(),
                    Units.compact(image.bytesSent()) + "/" + Units.compact(image.bytesToSend()),
                    image.retries() > 0 ? String.valueOf(image.retries()) : ""));
            if (image.error() != null) {
                put(col, r, fit(oneLine(image.error()), width - col), null, TextColor.ANSI.RED);
            }
        }
        more(row + 1 + shown, list.size() - shown, rows - 1 - shown);
        return row + rows;
    }

    private int failureRows(int row, int rows, List<JobSnapshot.ImageRow> failures, Controls.Ui ui) {
        title(row, " " + fit("FAILED IMAGE" + suffix("failures", failures.size(), ui), width / 3) + " ERROR  (↑↓ Enter: whole error)");
        int shown = Math.min(rows - 1, failures.size());
        int first = scroll(ui.selected(), shown, failures.size());
        for (int i = 0; i < shown; i++) {
            failure(row + 1 + i, failures.get(first + i), first + i == ui.selected(), width / 3);
        }
        if (failures.isEmpty() && rows > 1) {
            put(0, row + 1, " no failed image", SGR.BOLD);
        }
        return row + rows;
    }

    // ---- panels -------------------------------------------------------------------------------

    private int sparkline(int row, int rows, List<Long> history) {
        int graphRows = rows - 1;
        int columns = width - 2;
        var values = buckets(history, columns);
        long peak = values.stream().mapToLong(Long::longValue).max().orElse(0);
        long seconds = history.size();
        title(row, String.format(Locale.ROOT, " throughput, last %s  peak %s", Durations.brief(Duration.ofSeconds(seconds)),
                Units.rate(peak)));
        int levels = graphRows * 8;
        for (int c = 0; c < values.size(); c++) {
            long v = values.get(c);
            int level = peak <= 0 ? 0 : (int) Math.round((double) v * levels / peak);
            if (v > 0 && level == 0) {
                level = 1;
            }
            for (int r = 0; r < graphRows; r++) {
                int inRow = level - (graphRows - 1 - r) * 8;
                char ch = inRow <= 0 ? ' ' : SPARKS.charAt(Math.min(8, inRow) - 1);
                if (ch != ' ') {
                    put(1 + c, row + 1 + r, String.valueOf(ch), null, TextColor.ANSI.CYAN);
                }
            }
        }
        return row + rows;
    }

    /** Bytes per second averaged over buckets, so the last ~5 minutes fit the width. */
    private static List<Long> buckets(List<Long> history, int columns) {
        int n = history.size();
        int per = Math.max(1, (n + columns - 1) / Math.max(1, columns));
        var out = new ArrayList<Long>();
        for (int start = Math.max(0, n - per * columns); start < n; start += per) {
            long sum = 0;
            int end = Math.min(n, start + per);
            for (int i = start; i < end; i++) {
                sum += history.get(i);
            }
            out.add(sum / Math.max(1, end - start));
        }
        return out;
    }

    private int failures(int row, int rows, List<JobSnapshot.ImageRow> failures, Controls.Ui ui) {
        if (failures.isEmpty()) {
            title(row, ui.filter().isEmpty() ? " failures: none" : " failures: none matching the filter");
            return row + rows;
        }
        title(row, String.format(Locale.ROOT, " failures (%d), newest first   ↑↓ Enter: whole error   r: retry them",
                failures.size()));
        int shown = Math.min(rows - 1, failures.size());
        int first = scroll(ui.selected(), shown, failures.size());
        for (int i = 0; i < shown; i++) {
            failure(row + 1 + i, failures.get(first + i), first + i == ui.selected(), Math.min(40, width / 3));
        }
        return row + rows;
    }

    private void failure(int r, JobSnapshot.ImageRow image, boolean selected, int nameWidth) {
        var sgr = selected ? SGR.REVERSE : null;
        int col = put(0, r, (selected ? ">" : " ") + "✗ " + fit(nameOf(image), nameWidth) + " ", sgr, TextColor.ANSI.RED);
        put(col, r, fit(oneLine(image.error()), width - col), sgr, null);
    }

    private int registries(int row, int rows, List<JobSnapshot.RegistryRow> list) {
        if (list.isEmpty()) {
            put(0, row, " registries: no request in flight");
            return row + rows;
        }
        for (int i = 0; i < rows && i < list.size(); i++) {
            var reg = list.get(i);
            var backoff = reg.backoff() == null || reg.backoff().isZero() ? "none" : Durations.brief(reg.backoff());
            var line = String.format(Locale.ROOT, " %s  in flight %d  429: %d  5xx: %d  back-off %s", reg.registry(),
                    reg.inFlight(), reg.status429(), reg.status5xx(), backoff);
            if (i == rows - 1 && list.size() > rows) {
                line += "  (+" + (list.size() - rows) + " more)";
            }
            put(0, row + i, fit(line, width), null,
                    reg.status429() + reg.status5xx() > 0 ? TextColor.ANSI.YELLOW : null);
        }
        return row + rows;
    }

    private void footer(int row, JobSnapshot s, Controls.Ui ui) {
        for (int c = 0; c < width; c++) {
            g.setCharacter(c, row, ' ');
        }
        switch (ui.prompt()) {
            case FILTER -> {
                put(0, row, " filter by image name (Enter keeps, Esc clears): " + ui.input() + "█", SGR.BOLD);
                return;
            }
            case LIMIT -> {
                put(0, row, " bandwidth limit (20MB/s, 512k, 0 = none; Enter sets, Esc leaves): " + ui.input() + "█", SGR.BOLD);
                return;
            }
            default -> {
            }
        }
        if (Controls.ended(s)) {
            var t = s.totals();
            put(0, row, fit(String.format(Locale.ROOT, " %s: %d pushed, %d up to date, %d failed. Press any key.",
                    s.state().name().toLowerCase(Locale.ROOT), t.pushed(), t.upToDate(), t.failed()), width), SGR.REVERSE, null);
            return;
        }
        if (ui.message() != null) {
            put(0, row, fit(" " + ui.message(), width), SGR.BOLD);
            return;
        }
        var view = switch (ui.rows()) {
            case ACTIVE -> "active";
            case FAILURES -> "failures";
            case ALL -> "all";
        };
        var pause = s.state() == JobState.PAUSED ? "resume" : "pause";
        var keys = ui.readOnly()
                ? " read-only   / filter  f rows: " + view + "  ↑↓ Enter error  ? help  q leave"
                : " p " + pause + "  +/- workers  b limit  r retry  c cancel  / filter  f rows: " + view + "  ? help  q leave";
        if (keys.length() > width) {
            keys = ui.readOnly() ? " read-only  / filter  f rows  ? help  q leave"
                    : " p " + pause + " +/- workers b limit r retry c cancel / filter f rows ? help q leave";
        }
        put(0, row, fit(keys, width), SGR.REVERSE, null);
    }

    private void oneLine(JobSnapshot s, Controls.Ui ui) {
        var t = s.totals();
        String line;
        if (ui.prompt() == Controls.Prompt.CONFIRM_CANCEL) {
            line = "cancel? y/n";
        } else if (ui.prompt() == Controls.Prompt.FILTER || ui.prompt() == Controls.Prompt.LIMIT) {
            line = (ui.prompt() == Controls.Prompt.FILTER ? "filter: " : "limit: ") + ui.input() + "█";
        } else {
            // Most telling first: a narrow line loses the bytes before the state, the failures or the time left.
            line = String.format(Locale.ROOT, "%s %d/%d%s %s %s/s %s/%s", s.state().name(), t.done(), t.images(),
                    t.failed() > 0 ? " ✗" + t.failed() : "", Controls.ended(s) ? "any key" : Durations.brief(t.eta()),
                    Units.compact((long) t.rateNow()), Units.compact(t.bytesSent()), Units.compact(t.bytesToSend()));
        }
        put(0, 0, fit(line, width), SGR.BOLD);
    }

    // ---- boxes --------------------------------------------------------------------------------

    private static List<String> help(boolean readOnly) {
        var lines = new ArrayList<String>();
        if (!readOnly) {
            lines.add("p          pause / resume (transfers in flight finish their chunk)");
            lines.add("+ -        one worker more / fewer");
            lines.add("b          set the bandwidth limit (20MB/s, 512k; 0 = none)");
            lines.add("r          retry the failed images");
            lines.add("c          cancel the push (asks y/n); Ctrl-C cancels at once");
        } else {
            lines.add("read-only: the job's controls are off (attach without --read-only)");
        }
        lines.add("/          filter the rows by image name (Esc clears)");
        lines.add("f          rows: active transfers / failures / all images");
        lines.add("↑ ↓ Enter  pick a failure and show its whole error");
        lines.add("?          this help");
        lines.add("q          leave the dashboard (the push goes on)");
        lines.add("");
        lines.add("any key closes this help");
        return lines;
    }

    private void detail(JobSnapshot s, String key) {
        var image = s.images().stream().filter(i -> Controls.key(i).equals(key)).findFirst().orElse(null);
        if (image == null) {
            box("failure", List.of("that image is no longer in the job", "", "any key closes this"));
            return;
        }
        var lines = new ArrayList<String>();
        lines.add("image:   " + image.target());
        lines.add("source:  " + image.source());
        lines.add("state:   " + image.state() + "   blobs " + image.blobsDone() + "/" + image.blobsTotal()
                + "   retries " + image.retries());
        lines.add("");
        lines.add("error:");
        int inner = Math.max(10, width - 8);
        for (var part : (image.error() == null ? "none (it went through on a retry)" : image.error()).split("\n")) {
            lines.addAll(wrap(part, inner));
        }
        var attempts = new ArrayList<String>();
        var name = String.valueOf(image.target());
        var repo = image.target() == null ? image.source() : image.target().repository();
        for (var entry : s.log()) {
            if (entry.message().contains(name) || entry.message().contains(repo)) {
                attempts.add(Durations.clock(Duration.between(s.started() == null ? entry.at() : s.started(), entry.at()))
                        + " " + entry.level().toLowerCase(Locale.ROOT) + " " + oneLine(entry.message()));
            }
        }
        if (!attempts.isEmpty()) {
            lines.add("");
            lines.add("attempts and events:");
            lines.addAll(attempts.subList(Math.max(0, attempts.size() - 8), attempts.size()));
        }
        lines.add("");
        lines.add("any key closes this");
        box("failure", lines);
    }

    private void box(String titleText, List<String> lines) {
        int inner = Math.min(width - 4, Math.max(titleText.length() + 4, lines.stream().mapToInt(String::length).max().orElse(0)));
        int boxWidth = inner + 4;
        int boxHeight = Math.min(height, lines.size() + 2);
        int left = Math.max(0, (width - boxWidth) / 2);
        int top = Math.max(0, (height - boxHeight) / 2);
        plain();
        for (int r = 0; r < boxHeight; r++) {
            for (int c = 0; c < boxWidth; c++) {
                g.setCharacter(left + c, top + r, ' ');
            }
        }
        put(left, top, "┌─ " + titleText + " " + "─".repeat(Math.max(0, boxWidth - titleText.length() - 5)) + "┐", SGR.BOLD);
        for (int i = 0; i < boxHeight - 2; i++) {
            put(left, top + 1 + i, "│");
            put(left + 2, top + 1 + i, fit(lines.get(i), inner));
            put(left + boxWidth - 1, top + 1 + i, "│");
        }
        put(left, top + boxHeight - 1, "└" + "─".repeat(boxWidth - 2) + "┘", SGR.BOLD);
    }

    // ---- small pieces -------------------------------------------------------------------------

    private void title(int row, String text) {
        put(0, row, fit(text, width), SGR.BOLD, null);
        if (!mono) {
            g.setForegroundColor(TextColor.ANSI.DEFAULT);
        }
    }

    /** Says how many rows match out of how many, when a filter is on. */
    private static String suffix(String what, int count, Controls.Ui ui) {
        return ui.filter().isEmpty() ? " (" + count + " " + what + ")" : " (" + count + " matching '" + ui.filter() + "')";
    }

    /** Rows the list can use: all of them, or one fewer to say how many more there are. */
    private static int fitRows(int rows, int count) {
        return count <= rows ? count : Math.max(0, rows - 1);
    }

    private void more(int row, int hidden, int rowsLeft) {
        if (hidden > 0 && rowsLeft > 0) {
            put(0, row, " … " + hidden + " more (/ filters, f changes the rows)");
        }
    }

    /** The first row to show so the selected one stays visible. */
    private static int scroll(int selected, int shown, int count) {
        if (shown <= 0) {
            return 0;
        }
        return Math.max(0, Math.min(selected - shown + 1 > 0 ? selected - shown + 1 : 0, count - shown));
    }

    private static String transferState(JobSnapshot.TransferRow t) {
        if ("retrying".equals(t.state()) && t.nextAttempt() != null) {
            long s = Math.max(0, Duration.between(Instant.now(), t.nextAttempt()).toSeconds());
            return "retry in " + s + "s";
        }
        return t.state() == null ? "" : t.state();
    }

    private static String nameOf(JobSnapshot.TransferRow t) {
        return t.target() == null ? "" : t.target().repository() + ":" + t.target().reference();
    }

    private static String nameOf(JobSnapshot.ImageRow i) {
        return i.target() == null ? i.source() : i.target().repository() + ":" + i.target().reference();
    }

    private static int rank(JobSnapshot.ImageRow image) {
        var s = image.state() == null ? "" : image.state();
        if (image.error() != null) {
            return 2;
        }
        return switch (s) {
            case "pushed", "up to date", "would push", "done" -> 3;
            case "queued" -> 1;
            default -> 0;
        };
    }

    private static String symbol(String state) {
        return switch (state == null ? "" : state) {
            case "pushed", "done" -> "✓";
            case "up to date" -> "=";
            case "would push" -> "○";
            case "failed" -> "✗";
            case "cancelled" -> "■";
            case "queued" -> "·";
            default -> "▶";
        };
    }

    private static TextColor colorOf(JobSnapshot.ImageRow image) {
        if (image.error() != null) {
            return TextColor.ANSI.RED;
        }
        return switch (image.state() == null ? "" : image.state()) {
            case "pushed", "up to date", "would push", "done" -> TextColor.ANSI.GREEN;
            case "queued" -> null;
            default -> TextColor.ANSI.CYAN;
        };
    }

    private static String bar(long done, long total, int width) {
        int inner = Math.max(1, width - 2);
        int filled = total <= 0 ? 0 : (int) Math.min(inner, done * inner / total);
        return "[" + "#".repeat(filled) + ".".repeat(inner - filled) + "]";
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }

    /** Pads or cuts to exactly {@code width} characters; a cut ends with an ellipsis. */
    static String fit(String text, int width) {
        if (width <= 0) {
            return "";
        }
        if (text.length() <= width) {
            return text + " ".repeat(width - text.length());
        }
        return text.substring(0, Math.max(0, width - 1)) + "…";
    }

    private static List<String> wrap(String text, int width) {
        var out = new ArrayList<String>();
        var rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= width / 2) {
                cut = width;
            }
            out.add(rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
        }
        out.add(rest);
        return out;
    }

    private void plain() {
        g.clearModifiers();
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
    }

    private int put(int col, int row, String text) {
        return put(col, row, text, null, null);
    }

    private int put(int col, int row, String text, SGR sgr) {
        return put(col, row, text, sgr, null);
    }

    /** Writes text cut at the right edge; returns the column after it. Colour only when the terminal has it. */
    private int put(int col, int row, String text, SGR sgr, TextColor color) {
        if (row < 0 || row >= height || col >= width) {
            return col + text.length();
        }
        var visible = text.length() > width - col ? text.substring(0, width - col) : text;
        plain();
        if (sgr != null) {
            g.enableModifiers(sgr);
        }
        if (color != null && !mono) {
            g.setForegroundColor(color);
        }
        g.putString(col, row, visible);
        plain();
        return col + text.length();
    }
}
