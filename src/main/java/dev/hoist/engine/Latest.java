package dev.hoist.engine;

import dev.hoist.source.SourceImage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Keeps the newest versions among selected images: the N highest semver tags of each repository,
 * or of each major or minor line of it. Tags that are not versions are left out, since no order
 * says where they stand. Used through {@link PlanBuilder#narrow}, after the per-image filters.
 */
public final class Latest {

    private Latest() {
    }

    /**
     * @param per {@code null} or {@code "repository"}: N per repository; {@code "major"}: N per major
     *            version of each repository; {@code "minor"}: N per minor line (the newest patches)
     */
    public static UnaryOperator<List<SourceImage>> keep(int n, String per) {
        if (n < 1) {
            throw new IllegalArgumentException("latest needs a count of at least 1, not " + n);
        }
        var grouping = per == null ? "repository" : per;
        if (!List.of("repository", "major", "minor").contains(grouping)) {
            throw new IllegalArgumentException("latest per '" + per + "': expected 'repository', 'major' or 'minor'");
        }
        return images -> {
            var groups = new LinkedHashMap<String, List<SourceImage>>();
            for (var image : images) {
                var version = image.tag() == null ? null : Semver.parse(image.tag());
                if (version == null) {
                    continue;
                }
                var key = image.repository() + switch (grouping) {
                    case "major" -> "@" + version.major;
                    case "minor" -> "@" + version.major + "." + version.minor;
                    default -> "";
                };
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(image);
            }
            var keep = new java.util.HashSet<SourceImage>();
            for (var group : groups.values()) {
                // The same version may carry several tags' images (1.2 and 1.2.0): keep each version's tags together.
                var versions = group.stream().map(i -> Semver.parse(i.tag())).distinct()
                        .sorted(Comparator.reverseOrder()).toList();
                var newest = new ArrayList<Semver>();
                for (var v : versions) {
                    if (newest.stream().noneMatch(x -> x.compareTo(v) == 0)) {
                        newest.add(v);
                    }
                }
                var kept = newest.subList(0, Math.min(n, newest.size()));
                group.stream().filter(i -> kept.stream().anyMatch(v -> v.compareTo(Semver.parse(i.tag())) == 0)).forEach(keep::add);
            }
            return images.stream().filter(keep::contains).toList();
        };
    }
}
