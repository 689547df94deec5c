package dev.hoist.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Lays out help by wrapping at spaces only, to the help's width (the terminal's with auto width).
 * picocli's own wrapping breaks lines wherever Java's line {@code BreakIterator} allows, which
 * includes after a colon, a slash or a dot: "oci:" at the end of one line and "DIR" on the next,
 * "FILE." then "tar". So every section is rendered by picocli on one long line per entry, then
 * wrapped here. Each description element is one paragraph.
 */
final class HelpLayout {

    /** picocli's styles on a terminal (bold commands, yellow options): they take no column. */
    private static final String STYLE = "\u001B\\[[0-9;]*m";
    private static final Pattern STYLES = Pattern.compile(STYLE);

    /** A table row: its names (or command, or exit code) column, then the text; styles may wrap the names. */
    private static final Pattern ROW = Pattern.compile("^(\\s*(?:(?:" + STYLE + ")*-\\S(?:" + STYLE + ")*, )?\\S+\\s+)(\\S.*)$");

    /** Longer than any option, command or synopsis entry of hoist on one line. */
    private static final int WIDE = 8192;

    private HelpLayout() {
    }

    static void install(CommandLine cli) {
        var sections = cli.getHelpSectionMap();
        sections.put(UsageMessageSpec.SECTION_KEY_HEADER, help -> paragraphs(help.commandSpec().usageMessage().header(),
                help.commandSpec().usageMessage().width()));
        sections.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> paragraphs(help.commandSpec().usageMessage().description(),
                help.commandSpec().usageMessage().width()));
        sections.put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, HelpLayout::synopsis);
        for (var key : List.of(UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                UsageMessageSpec.SECTION_KEY_COMMAND_LIST, UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST)) {
            var picocli = sections.get(key);
            if (picocli != null) {
                sections.put(key, help -> table(wide(help, picocli), help.commandSpec().usageMessage().width()));
            }
        }
        cli.setHelpSectionMap(sections);
        for (var sub : cli.getSubcommands().values()) {
            install(sub);
        }
    }

    /** What picocli renders when it has room for every entry on one line. */
    private static String wide(CommandLine.Help help, CommandLine.IHelpSectionRenderer renderer) {
        var usage = help.commandSpec().usageMessage();
        int width = usage.width();
        boolean auto = usage.autoWidth();
        try {
            // Wide enough for any one entry, no wider: picocli pads every row of a table to the width
            // (Integer.MAX_VALUE / 4 cost 2 GB of garbage and seconds per help).
            usage.autoWidth(false).width(WIDE);
            return renderer.render(help);
        } finally {
            usage.width(width).autoWidth(auto);
        }
    }

    private static String synopsis(CommandLine.Help help) {
        var usage = help.commandSpec().usageMessage();
        int heading = help.synopsisHeadingLength();
        var custom = usage.customSynopsis();
        if (custom.length == 0) {
            // picocli's synopsis on one line, wrapped between its elements, under the command name.
            var line = wide(help, h -> h.synopsis(heading)).strip();
            var lead = " ".repeat(heading);
            var indent = " ".repeat(heading + help.commandSpec().qualifiedName().length() + 1);
            return wrap(lead + line, usage.width(), indent).substring(lead.length());
        }
        // Later lines start "   or: ", as wide as "Usage: "; what wraps goes under the command.
        var indent = " ".repeat(heading + 2);
        var out = new StringBuilder();
        for (int i = 0; i < custom.length; i++) {
            var lead = i == 0 ? " ".repeat(heading) : "";
            var text = wrap(lead + custom[i], usage.width(), indent);
            out.append(i == 0 ? text.substring(lead.length()) : text);
        }
        return out.toString();
    }

    private static String paragraphs(String[] paragraphs, int width) {
        var out = new StringBuilder();
        for (var p : paragraphs) {
            out.append(wrap(String.format(p), width, ""));
        }
        return out.toString();
    }

    /** Rows of a two-column table: the text column wrapped, its later lines indented two more, as picocli does. */
    private static String table(String rendered, int width) {
        var out = new StringBuilder();
        int column = -1;
        for (var line : rendered.split("\\R", -1)) {
            if (column > 0 && line.length() > column && line.substring(0, column).isBlank()) {
                out.append(wrap(line, width, " ".repeat(column + 2)));
                continue;
            }
            var m = ROW.matcher(line);
            if (!m.matches()) {
                out.append(line).append(System.lineSeparator());
                continue;
            }
            column = columns(m.group(1));
            out.append(wrap(line, width, " ".repeat(column + 2)));
        }
        // split kept the text after the last line end as an empty line: drop its line end again.
        out.setLength(out.length() - System.lineSeparator().length());
        return out.toString();
    }

    /** The columns {@code text} takes on a terminal: its length without picocli's styles. */
    static int columns(String text) {
        return text.indexOf('\u001B') < 0 ? text.length() : STYLES.matcher(text).replaceAll("").length();
    }

    /**
     * One paragraph in lines of at most {@code width} columns, broken at spaces; a word longer than
     * a line stands alone. Widths are counted in columns: a styled word is as wide as its text.
     */
    static String wrap(String paragraph, int width, String indent) {
        var lines = new ArrayList<String>();
        var line = new StringBuilder();
        int lead = paragraph.length() - paragraph.stripLeading().length();
        line.append(paragraph, 0, lead);
        int used = lead;
        boolean empty = true;
        // Runs of spaces inside the text are kept (they align table columns) unless a line breaks there.
        var m = Pattern.compile("(\\s*)(\\S+)").matcher(paragraph.substring(lead));
        while (m.find()) {
            var gap = m.group(1);
            var word = m.group(2);
            int wordColumns = columns(word);
            if (!empty && used + gap.length() + wordColumns > width) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(indent);
                used = indent.length();
                empty = true;
            }
            if (!empty) {
                line.append(gap);
                used += gap.length();
            }
            line.append(word);
            used += wordColumns;
            empty = false;
        }
        lines.add(line.toString());
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }
}
