package dev.hoist.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Semantic versions in tags ({@code 1.2.3}, {@code v1.2}, {@code 2.0.0-rc.1}) and ranges as npm
 * writes them: space-separated comparators that must all hold ({@code >=1.2 <2}), with {@code ~},
 * {@code ^} and partial versions as x-ranges ({@code 1.2} is {@code >=1.2.0 <1.3.0}). As in npm, a
 * pre-release only matches a comparator naming a pre-release of the same version. Tags that are not
 * versions ({@code latest}, {@code 1.25-alpine}, a timestamp) never match a range.
 */
final class Semver implements Comparable<Semver> {

    private static final Pattern VERSION = Pattern.compile("v?(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");
    private static final Pattern COMPARATOR = Pattern.compile("(>=|<=|>|<|=|~|\\^)?\\s*(v?\\d+(?:\\.\\d+)?(?:\\.\\d+)?(?:-[0-9A-Za-z.-]+)?)");

    final int major;
    final int minor;
    final int patch;
    final String pre;

    private Semver(int major, int minor, int patch, String pre) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.pre = pre;
    }

    /** A version, or null when the text is not one. */
    static Semver parse(String text) {
        var m = VERSION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        return new Semver(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4));
    }

    /** How many of major, minor and patch the text gives. */
    private static int given(String text) {
        var m = VERSION.matcher(text);
        if (!m.matches()) {
            return 0;
        }
        return m.group(3) != null ? 3 : m.group(2) != null ? 2 : 1;
    }

    static boolean isRange(String text) {
        var t = text.strip();
        return !t.isEmpty() && "<>=~^".indexOf(t.charAt(0)) >= 0;
    }

    private record Comparator(Predicate<Semver> test, Semver version) {
    }

    /** Parses a range; the message of the {@link IllegalArgumentException} is fit for the user. */
    static Predicate<String> range(String text) {
        var parts = new ArrayList<Comparator>();
        var rest = text.strip();
        var m = COMPARATOR.matcher(rest);
        int end = 0;
        while (end < rest.length()) {
            while (end < rest.length() && rest.charAt(end) == ' ') {
                end++;
            }
            if (end >= rest.length()) {
                break;
            }
            if (!m.find(end) || m.start() != end || parse(m.group(2)) == null) {
                throw new IllegalArgumentException("bad semver range '" + text + "' (e.g. '>=1.2 <2', '^1.4', '~2.0')");
            }
            parts.add(comparator(m.group(1) == null ? "=" : m.group(1), m.group(2)));
            end = m.end();
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("empty semver range");
        }
        List<Comparator> all = List.copyOf(parts);
        return tag -> {
            var v = parse(tag);
            if (v == null || !all.stream().allMatch(c -> c.test.test(v))) {
                return false;
            }
            return v.pre == null || all.stream().anyMatch(c -> c.version.pre != null && c.version.sameRelease(v));
        };
    }

    private static Comparator comparator(String op, String version) {
        var v = parse(version);
        int given = given(version);
        // The version just past what a partial version covers: 1.2 -> 1.3.0, 1 -> 2.0.0.
        var next = given == 1 ? new Semver(v.major + 1, 0, 0, "0") : given == 2 ? new Semver(v.major, v.minor + 1, 0, "0") : null;
        Predicate<Semver> test = switch (op) {
            case ">=" -> x -> x.compareTo(v) >= 0;
            case ">" -> next == null ? x -> x.compareTo(v) > 0 : x -> x.compareTo(next) >= 0;
            case "<=" -> next == null ? x -> x.compareTo(v) <= 0 : x -> x.compareTo(next) < 0;
            case "<" -> x -> x.compareTo(v.pre == null ? new Semver(v.major, v.minor, v.patch, "0") : v) < 0;
            case "~" -> {
                var upper = given >= 2 ? new Semver(v.major, v.minor + 1, 0, "0") : new Semver(v.major + 1, 0, 0, "0");
                yield x -> x.compareTo(v) >= 0 && x.compareTo(upper) < 0;
            }
            case "^" -> {
                Semver upper;
                if (v.major > 0 || given == 1) {
                    upper = new Semver(v.major + 1, 0, 0, "0");
                } else if (v.minor > 0 || given == 2) {
                    upper = new Semver(0, v.minor + 1, 0, "0");
                } else {
                    upper = new Semver(0, 0, v.patch + 1, "0");
                }
                yield x -> x.compareTo(v) >= 0 && x.compareTo(upper) < 0;
            }
            default -> next == null ? x -> x.compareTo(v) == 0 : x -> x.compareTo(v) >= 0 && x.compareTo(next) < 0;
        };
        return new Comparator(test, v);
    }

    private boolean sameRelease(Semver o) {
        return major == o.major && minor == o.minor && patch == o.patch;
    }

    @Override
    public int compareTo(Semver o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c == 0) {
            // A pre-release sorts before its release.
            if (pre == null || o.pre == null) {
                c = pre == null ? (o.pre == null ? 0 : 1) : -1;
            } else {
                c = comparePre(pre, o.pre);
            }
        }
        return c;
    }

    /** Pre-release identifiers one by one: numbers numerically and before words; a prefix sorts first. */
    private static int comparePre(String a, String b) {
        var x = a.split("\\.");
        var y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean xn = x[i].matches("\\d+");
            boolean yn = y[i].matches("\\d+");
            int c;
            if (xn && yn) {
                c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            } else if (xn != yn) {
                c = xn ? -1 : 1;
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
