package dev.hoist.shell;

import dev.hoist.HoistException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell would (quotes and backslashes): the
 * shell's command lines, and an ssh exec request's, which OpenSSH hands to {@code sh -c}
 * elsewhere, so users already quote for that ({@code ssh host "push 'my dir/app.tar' reg/app"}).
 */
public final class Words {

    /** Where the shell expands {@code ~} inside a word: after a source's transport, as Tab completes paths there. */
    private static final List<String> TRANSPORTS = List.of("oci:", "oci-archive:", "docker-archive:");

    private Words() {
    }

    /** The words, no expansion (an ssh exec request: the client's shell has expanded what it meant to). */
    public static List<String> split(String line) {
        return split(line, null);
    }

    /**
     * The words, with tilde expansion as a POSIX shell does it when {@code home} is given: a
     * {@code ~} that starts an unquoted word, alone or before {@code /}, is {@code home}; also
     * right after {@code oci:}, {@code oci-archive:} or {@code docker-archive:}, because Tab
     * completes paths there from the home too and a completed path must run. {@code ~user} and
     * quoted or escaped tildes stay as they are.
     */
    public static List<String> split(String line, Path home) {
        var words = new ArrayList<String>();
        var word = new StringBuilder();
        boolean inWord = false;
        // The word so far has no quoted or escaped part: only then is a ~ in it expanded.
        boolean plain = true;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length() && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
                plain = false;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
                plain = false;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                plain = true;
            } else if (c == '~' && home != null && plain && (word.isEmpty() || TRANSPORTS.contains(word.toString()))
                    && (i + 1 == line.length() || line.charAt(i + 1) == '/' || Character.isWhitespace(line.charAt(i + 1)))) {
                word.append(home);
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new HoistException("unterminated " + quote + " in the command line", HoistException.Kind.USAGE);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
