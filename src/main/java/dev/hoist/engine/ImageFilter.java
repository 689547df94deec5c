package dev.hoist.engine;

import dev.hoist.image.Artifact;
import dev.hoist.image.Image;
import dev.hoist.image.ImageConfig;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.Platform;
import dev.hoist.source.SourceImage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Selects images of a plan. Filters compose with {@link #all}, {@link #any} and {@link #not}; the
 * factories below cover repository and tag patterns, semver ranges, platform, size, labels and
 * creation time.
 */
@FunctionalInterface
public interface ImageFilter {

    boolean test(SourceImage image);

    static ImageFilter all(List<ImageFilter> filters) {
        var copy = List.copyOf(filters);
        return image -> copy.stream().allMatch(f -> f.test(image));
    }

    static ImageFilter any(List<ImageFilter> filters) {
        var copy = List.copyOf(filters);
        return image -> copy.stream().anyMatch(f -> f.test(image));
    }

    static ImageFilter not(ImageFilter filter) {
        return image -> !filter.test(image);
    }

    ImageFilter ALL = image -> true;

    /**
     * Matches the repository name as the source gives it ({@code demo/app}). A pattern is a glob
     * ({@code demo/*}, {@code **} crosses '/'), or a regular expression written {@code /.../} or
     * {@code re:...}.
     */
    static ImageFilter repository(String pattern) {
        var p = Patterns.compile(pattern);
        return image -> image.repository() != null && p.test(Mapping.sourceName(image.repository()));
    }

    /** Matches the tag by glob, regex ({@code /.../}, {@code re:}) or semver range ({@code >=1.2 <2}). */
    static ImageFilter tag(String pattern) {
        if (Semver.isRange(pattern)) {
            var range = Semver.range(pattern);
            return image -> image.tag() != null && range.test(image.tag());
        }
        var p = Patterns.compile(pattern);
        return image -> image.tag() != null && p.test(image.tag());
    }

    /** Images that run on the platform; an index matches when one of its children does. */
    static ImageFilter platform(Platform platform) {
        return image -> runsOn(image.artifact(), platform);
    }

    private static boolean runsOn(Artifact artifact, Platform platform) {
        if (artifact instanceof ImageIndex index) {
            return index.children().stream().anyMatch(c -> runsOn(c, platform));
        }
        var p = ((Image) artifact).platform();
        return p.isEmpty() || platform.matches(p.get());
    }

    static ImageFilter minSize(long bytes) {
        return image -> size(image.artifact()) >= bytes;
    }

    static ImageFilter maxSize(long bytes) {
        return image -> size(image.artifact()) <= bytes;
    }

    /** {@code key=value}, or {@code key} for any value. */
    static ImageFilter label(String spec) {
        int eq = spec.indexOf('=');
        var key = eq < 0 ? spec : spec.substring(0, eq);
        var value = eq < 0 ? null : spec.substring(eq + 1);
        return image -> configs(image.artifact()).stream().anyMatch(c ->
                c.labels().containsKey(key) && (value == null || value.equals(c.labels().get(key))));
    }

    static ImageFilter createdBefore(Instant when) {
        return image -> configs(image.artifact()).stream().anyMatch(c -> c.created() != null && c.created().isBefore(when));
    }

    static ImageFilter createdAfter(Instant when) {
        return image -> configs(image.artifact()).stream().anyMatch(c -> c.created() != null && c.created().isAfter(when));
    }

    /** What an image (or all of an index's images) holds at its source. */
    static long size(Artifact artifact) {
        if (artifact instanceof ImageIndex index) {
            return index.children().stream().mapToLong(ImageFilter::size).sum();
        }
        var image = (Image) artifact;
        return image.config().size() + image.layers().stream().mapToLong(l -> l.sourceSize()).sum();
    }

    private static List<ImageConfig> configs(Artifact artifact) {
        var out = new ArrayList<ImageConfig>();
        if (artifact instanceof ImageIndex index) {
            index.children().forEach(c -> out.addAll(configs(c)));
        } else {
            var image = (Image) artifact;
            out.add(ConfigCache.CONFIGS.computeIfAbsent(image.config().digest().toString(), k -> ImageConfig.read(image.config())));
        }
        return out;
    }

    /** Configs read once per run of filters, keyed by digest. */
    final class ConfigCache {
        static final Map<String, ImageConfig> CONFIGS = new ConcurrentHashMap<>();

        private ConfigCache() {
        }
    }

    /** Globs and regular expressions. */
    final class Patterns {
        private Patterns() {
        }

        static Predicate<String> compile(String pattern) {
            if (pattern.startsWith("re:")) {
                return Pattern.compile(pattern.substring(3)).asMatchPredicate();
            }
            if (pattern.length() > 1 && pattern.startsWith("/") && pattern.endsWith("/")) {
                return Pattern.compile(pattern.substring(1, pattern.length() - 1)).asMatchPredicate();
            }
            return Pattern.compile(globToRegex(pattern)).asMatchPredicate();
        }

        static String globToRegex(String glob) {
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
}
