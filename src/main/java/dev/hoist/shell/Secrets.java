package dev.hoist.shell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in a line before it is kept in the history: the values of {@code -p},
 * {@code --password} and {@code --token}, and string literals given to {@code password} or
 * {@code token} in Groovy ({@code password 'x'}, {@code password: "x"}, {@code token = 'x'}).
 */
public final class Secrets {

    static final String MASK = "****";

    /**
     * One word of a command line as {@link Words} splits it: quoted pieces, backslash escapes and
     * plain characters run together ({@code 'a b'c}, {@code pa\ ss}, {@code x"y z"}) are one value.
     */
    private static final String SHELL_WORD = "(?:'[^']*'|\"(?:\\\\.|[^\"\\\\])*\"|\\\\.|[^\\s'\"\\\\])+";
    // An option and its value: "-p x", "-px", "--password=x", "--token 'a b'", "-p pa\ ss".
    private static final Pattern OPTION = Pattern.compile(
            "(?<=^|\\s)(--password|--token|-p)(=|\\s+|(?<=-p)(?=[^\\s=]))(" + SHELL_WORD + ")");
    // A Groovy word followed by a string literal: password 'x', token: "x", password('x'), password = 'x'.
    private static final Pattern WORD = Pattern.compile(
            "(?i)\\b(password|passwd|token|secret)(\\s*[:=(]?\\s*)('(?:\\\\.|[^'\\\\])*'|\"(?:\\\\.|[^\"\\\\])*\")");
    // An environment assignment: HOIST_PASSWORD=x, GITEA_TOKEN=x.
    private static final Pattern ENV = Pattern.compile("\\b([A-Z0-9_]*(?:PASSWORD|TOKEN))=(" + SHELL_WORD + ")");

    private Secrets() {
    }

    /** The line with secrets masked; the SSH server's audit log writes command lines through it too. */
    public static String mask(String line) {
        var s = OPTION.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        s = WORD.matcher(s).replaceAll(m -> {
            var literal = m.group(3);
            var quote = literal.charAt(0);
            return Matcher.quoteReplacement(m.group(1) + m.group(2) + quote + MASK + quote);
        });
        return ENV.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=" + MASK));
    }
}
