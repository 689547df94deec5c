package dev.hoist.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Semantic versions in tags ({@code 1.2.3}, {@code v1.2}, {@code 2.0.0-rc.1}) and ranges as npm
 * writes them: space-separated comparators that must all hold ({@code >=1.2 <2}), with {@code ~}
 * and {@code ^}. Tags that are not versions never match a range.
 */
final class Semver implements Comparable<Semver> {

    private static final Pattern VERSION = Pattern.compile("v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-([0-9A-Za-z.-]+))?");
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

    static Semver parse(String text) {
        var m = VERSION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        return new Semver(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4));
    }

    static boolean isRange(String text) {
        var t = text.strip();
        return !t.isEmpty() && "<>=~^".indexOf(t.charAt(0)) >= 0;
    }

    /** Parses a range; the message of the {@link IllegalArgumentException} is fit for the user. */
    static Predicate<String> range(String text) {
        var parts = new ArrayList<Predicate<Semver>>();
        var m = COMPARATOR.matcher(text.strip());
        int end = 0;
        var rest = text.strip();
        while (end < rest.length()) {
            while (end < rest.length() && rest.charAt(end) == ' ') {
                end++;
            }
            if (end >= rest.length()) {
                break;
            }
            if (!m.find(end) || m.start() != end) {
                throw new IllegalArgumentException("bad semver range '" + text + "' (e.g. '>=1.2 <2', '^1.4', '~2.0')");
            }
            parts.add(comparator(m.group(1) == null ? "=" : m.group(1), m.group(2)));
            end = m.end();
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("empty semver range");
        }
        List<Predicate<Semver>> all = List.copyOf(parts);
        return tag -> {
            var v = parse(tag);
            return v != null && all.stream().allMatch(p -> p.test(v));
        };
    }

    private static Predicate<Semver> comparator(String op, String version) {
        var v = parse(version);
        var given = version.replaceFirst("^v", "").split("[.-]").length;
        return switch (op) {
            case ">=" -> x -> x.compareTo(v) >= 0;
            case ">" -> x -> x.compareTo(v) > 0;
            case "<=" -> x -> x.compareTo(v) <= 0;
            case "<" -> x -> x.compareTo(v) < 0;
            case "~" -> x -> x.compareTo(v) >= 0 && x.compareTo(given >= 2 ? new Semver(v.major, v.minor + 1, 0, "0")
                    : new Semver(v.major + 1, 0, 0, "0")) < 0;
            case "^" -> x -> x.compareTo(v) >= 0 && x.compareTo(v.major > 0 ? new Semver(v.major + 1, 0, 0, "0")
                    : new Semver(0, v.minor + 1, 0, "0")) < 0;
            default -> x -> x.compareTo(v) == 0;
        };
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
                c = pre.compareTo(o.pre);
            }
        }
        return c;
    }
}
