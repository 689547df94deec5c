package dev.hoist.source;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Name patterns as users write them: a glob ({@code demo/*}; {@code **} crosses '/'; {@code {a,b}}),
 * or a regular expression written {@code /.../} or {@code re:...}.
 */
public final class NamePattern {

    private NamePattern() {
    }


    public static Predicate<String> compile(String pattern) {
        if (pattern.startsWith("re:")) {
            return Pattern.compile(pattern.substring(3)).asMatchPredicate();
        }
        if (pattern.length() > 1 && pattern.startsWith("/") && pattern.endsWith("/")) {
            return Pattern.compile(pattern.substring(1, pattern.length() - 1)).asMatchPredicate();
        }
        return Pattern.compile(globToRegex(pattern)).asMatchPredicate();
    }

    public static String globToRegex(String glob) {
        var sb = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                sb.append(".*");
                i++;
            } else if (c == '*') {
                sb.append("[^/]*");
            } else if (c == '?') {
                sb.append("[^/]");
            } else if (c == '{') {
                braces++;
                sb.append("(?:");
            } else if (c == '}' && braces > 0) {
                braces--;
                sb.append(")");
            } else if (c == ',' && braces > 0) {
                sb.append("|");
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }
}
