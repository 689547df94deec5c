package dev.hoist.shell;

import java.nio.file.Path;
import java.util.List;

/**
 * Tilde expansion of a command line, as a POSIX shell does it before hoist would see its words:
 * a {@code ~} that starts an unquoted word, alone or before {@code /}, is the session's home.
 * The shell also expands it after a source's transport ({@code oci:~/layout},
 * {@code docker-archive:~/app.tar}), because Tab completes paths there from the home too and a
 * completed path must run. {@code ~user} and quoted or escaped tildes stay as they are.
 */
final class Tilde {

    private static final List<String> TRANSPORTS = List.of("oci:", "oci-archive:", "docker-archive:");

    private Tilde() {
    }

    static String expand(String line, Path home) {
        if (line.indexOf('~') < 0) {
            return line;
        }
        var escapedHome = escape(home.toString());
        var out = new StringBuilder(line.length() + 32);
        char quote = 0;
        int wordStart = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    out.append(c);
                    c = line.charAt(++i);
                }
                out.append(c);
                continue;
            }
            if (c == '\\' && i + 1 < line.length()) {
                out.append(c).append(line.charAt(++i));
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
            } else if (Character.isWhitespace(c)) {
                wordStart = out.length() + 1;
            } else if (c == '~' && startsPath(out, wordStart) && endsHome(line, i + 1)) {
                out.append(escapedHome);
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Whether what the word has so far is nothing, or only a source's transport. */
    private static boolean startsPath(StringBuilder out, int wordStart) {
        var before = out.substring(Math.min(wordStart, out.length()));
        return before.isEmpty() || TRANSPORTS.contains(before);
    }

    private static boolean endsHome(String line, int next) {
        return next == line.length() || line.charAt(next) == '/' || Character.isWhitespace(line.charAt(next));
    }

    /** The home as one word of a command line: a space or a quote in it must not split or open anything. */
    private static String escape(String path) {
        var out = new StringBuilder(path.length() + 8);
        for (char c : path.toCharArray()) {
            if (Character.isWhitespace(c) || c == '\\' || c == '\'' || c == '"' || c == '&') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
