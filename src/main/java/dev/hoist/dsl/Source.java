package dev.hoist.dsl;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a plan's images come from, or an OCI layout they go to: {@code archives('dist/*.tar')},
 * {@code layout('build/oci')}, {@code daemon('demo/*')}, {@code build('site/') { tag 'demo/site:1.0' }}.
 */
public final class Source {

    enum Kind { ARCHIVES, LAYOUT, DAEMON, BUILD, SPEC }

    final Kind kind;
    /** The glob, directory, daemon pattern or source spec as written. */
    final String text;
    final Path baseDir;
    final BuildSpec build;

    Source(Kind kind, String text, Path baseDir, BuildSpec build) {
        this.kind = kind;
        this.text = text;
        this.baseDir = baseDir;
        this.build = build;
    }

    Path path() {
        return baseDir.resolve(text).normalize();
    }

    /** The files an {@code archives} glob names now, sorted; a plain path stands for itself. */
    List<Path> files() {
        var pattern = baseDir.resolve(text).normalize().toString();
        if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[") && !pattern.contains("{")) {
            return java.nio.file.Files.exists(Path.of(pattern)) ? List.of(Path.of(pattern)) : List.of();
        }
        // Walk from the deepest directory without a wildcard, matching the rest as a glob.
        var parts = Path.of(pattern);
        var root = parts.getRoot() == null ? Path.of("") : parts.getRoot();
        for (var part : parts) {
            if (part.toString().matches(".*[*?\\[{].*")) {
                break;
            }
            root = root.resolve(part);
        }
        var matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        if (!java.nio.file.Files.isDirectory(root)) {
            return List.of();
        }
        try (var walk = java.nio.file.Files.walk(root)) {
            return walk.filter(java.nio.file.Files::isRegularFile).filter(matcher::matches).sorted().toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ARCHIVES -> "archives('" + text + "')";
            case LAYOUT -> "layout('" + text + "')";
            case DAEMON -> "daemon('" + text + "')";
            case BUILD -> "build('" + text + "')";
            case SPEC -> "'" + text + "'";
        };
    }
}
