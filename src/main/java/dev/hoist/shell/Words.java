package dev.hoist.shell;

import dev.hoist.HoistException;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell would (quotes and backslashes, no
 * expansion): the shell's command lines, and an ssh exec request's, which OpenSSH hands to
 * {@code sh -c} elsewhere, so users already quote for that ({@code ssh host "push 'my dir/app.tar' reg/app"}).
 */
public final class Words {

    private Words() {
    }

    public static List<String> split(String line) {
        var words = new ArrayList<String>();
        var word = new StringBuilder();
        boolean inWord = false;
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
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
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
