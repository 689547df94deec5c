package dev.hoist.engine;

import dev.hoist.image.ImageRef;
import dev.hoist.source.SourceImage;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Names an image in a target namespace: the repository it has in its source (a registry host and
 * Docker Hub's {@code library/} dropped), minus a prefix, or through a rename template, then made
 * valid for registries (lowercase, allowed characters) with a warning when that changes it.
 *
 * @param stripPrefix removed from the start of the source repository name, or null
 * @param rename a template of {@code {repo}}, {@code {name}} (its last part) and {@code {tag}},
 *               giving {@code REPOSITORY[:TAG]}, or null
 * @param extraTags tags every image gets besides its own
 * @param renamer names images by code (a script's closure) instead of a template, or null
 */
public record Mapping(String stripPrefix, String rename, List<String> extraTags, Renamer renamer) {

    public static final Mapping KEEP = new Mapping(null, null, List.of());

    /** Names one image {@code REPOSITORY[:TAG]}, given its repository after the prefix is stripped, and its tag. */
    @FunctionalInterface
    public interface Renamer {
        String name(SourceImage image, String repository, String tag);
    }

    public Mapping(String stripPrefix, String rename, List<String> extraTags) {
        this(stripPrefix, rename, extraTags, null);
    }

    private static final Pattern INVALID = Pattern.compile("[^a-z0-9._/-]+");

    public Mapping {
        extraTags = extraTags == null ? List.of() : List.copyOf(extraTags);
    }

    /** A repository name as the source gives it, without a registry host or Docker Hub's library/. */
    public static String sourceName(String repository) {
        var r = repository;
        int slash = r.indexOf('/');
        if (slash > 0) {
            var first = r.substring(0, slash);
            if (ImageRef.isHost(first)) {
                r = r.substring(slash + 1);
            }
        }
        if (r.startsWith("library/")) {
            r = r.substring("library/".length());
        }
        return r;
    }

    /**
     * The repository and tags an image gets under a namespace.
     *
     * @param fallbackName used when the source gives the image no repository name
     */
    Named name(SourceImage image, String fallbackName, Consumer<String> warn) {
        var repo = image.repository() != null ? sourceName(image.repository()) : fallbackName;
        var tag = image.tag() != null ? image.tag() : "latest";
        if (stripPrefix != null && !stripPrefix.isEmpty()) {
            // Only whole path parts: --strip-prefix demo leaves demonstration/app alone.
            var prefix = stripPrefix.endsWith("/") ? stripPrefix : stripPrefix + "/";
            if (repo.startsWith(prefix) && repo.length() > prefix.length()) {
                repo = repo.substring(prefix.length());
            }
        }
        if (rename != null || renamer != null) {
            var last = repo.substring(repo.lastIndexOf('/') + 1);
            var result = renamer != null ? renamer.name(image, repo, tag)
                    : rename.replace("{repo}", repo).replace("{name}", last).replace("{tag}", tag);
            if (result == null || result.isBlank()) {
                throw new dev.hoist.HoistException("the rename gave no name for " + image.displayName(),
                        dev.hoist.HoistException.Kind.USAGE);
            }
            int colon = result.lastIndexOf(':');
            if (colon > result.lastIndexOf('/')) {
                tag = result.substring(colon + 1);
                result = result.substring(0, colon);
            }
            repo = result;
        }
        var normal = normalize(repo);
        if (!normal.equals(repo)) {
            warn.accept("repository name '" + repo + "' is not valid in a registry; using '" + normal + "'");
        }
        return new Named(normal, tag);
    }

    /** Lowercase, with runs of other characters turned into '-', and no separator at either end of a part. */
    static String normalize(String repo) {
        if (ImageRef.isValidRepository(repo)) {
            return repo;
        }
        var lower = repo.toLowerCase(Locale.ROOT);
        var cleaned = INVALID.matcher(lower).replaceAll("-");
        var parts = new StringBuilder();
        for (var part : cleaned.split("/")) {
            var p = part.replaceAll("[._-]{2,}", "-").replaceAll("^[._-]+|[._-]+$", "");
            if (!p.isEmpty()) {
                parts.append(parts.length() > 0 ? "/" : "").append(p);
            }
        }
        return parts.length() == 0 ? "image" : parts.toString();
    }

    record Named(String repository, String tag) {
    }
}
