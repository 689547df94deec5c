package dev.hoist.engine;

import dev.hoist.image.Artifact;
import dev.hoist.image.Image;
import dev.hoist.image.ImageConfig;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.Platform;
import dev.hoist.source.NamePattern;
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
     * ({@code demo/*}, {@code **} crosses '/'; without '/' it matches the last part too), or a
     * regular expression written {@code /.../} or {@code re:...}.
     */
    static ImageFilter repository(String pattern) {
        var p = NamePattern.compile(pattern);
        // As in .gitignore: a glob without '/' names the last part at any depth ('*-debug' matches
        // demo/app-debug), so a pattern about names need not spell out every namespace.
        boolean anyDepth = !pattern.contains("/") && !pattern.startsWith("re:");
        return image -> {
            if (image.repository() == null) {
                return false;
            }
            var name = Mapping.sourceName(image.repository());
            return p.test(name) || anyDepth && p.test(name.substring(name.lastIndexOf('/') + 1));
        };
    }

    /** Matches the tag by glob, regex ({@code /.../}, {@code re:}) or semver range ({@code >=1.2 <2}). */
    static ImageFilter tag(String pattern) {
        if (Semver.isRange(pattern)) {
            var range = Semver.range(pattern);
            return image -> image.tag() != null && range.test(image.tag());
        }
        var p = NamePattern.compile(pattern);
        return image -> image.tag() != null && p.test(image.tag());
    }

    /** Matches tags that are semantic versions in the range ({@code >=1.0 <2}, {@code ^1.4}, {@code 1.2}). */
    static ImageFilter semver(String range) {
        var r = Semver.range(range);
        return image -> image.tag() != null && r.test(image.tag());
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
        var cache = new ConcurrentHashMap<String, ImageConfig>();
        return image -> configs(image.artifact(), cache).stream().anyMatch(c ->
                c.labels().containsKey(key) && (value == null || value.equals(c.labels().get(key))));
    }

    static ImageFilter createdBefore(Instant when) {
        var cache = new ConcurrentHashMap<String, ImageConfig>();
        return image -> configs(image.artifact(), cache).stream().anyMatch(c -> c.created() != null && c.created().isBefore(when));
    }

    static ImageFilter createdAfter(Instant when) {
        var cache = new ConcurrentHashMap<String, ImageConfig>();
        return image -> configs(image.artifact(), cache).stream().anyMatch(c -> c.created() != null && c.created().isAfter(when));
    }

    /** What an image (or all of an index's images) holds at its source. */
    static long size(Artifact artifact) {
        if (artifact instanceof ImageIndex index) {
            return index.children().stream().mapToLong(ImageFilter::size).sum();
        }
        return ((Image) artifact).size();
    }

    /** The configs of an image or index, each read once per filter (an image has several tags). */
    private static List<ImageConfig> configs(Artifact artifact, Map<String, ImageConfig> cache) {
        var out = new ArrayList<ImageConfig>();
        if (artifact instanceof ImageIndex index) {
            index.children().forEach(c -> out.addAll(configs(c, cache)));
        } else {
            var image = (Image) artifact;
            out.add(cache.computeIfAbsent(image.id().toString(), k -> image.metadata()));
        }
        return out;
    }
}
