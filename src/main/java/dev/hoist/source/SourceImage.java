package dev.hoist.source;

import dev.hoist.image.Artifact;

/**
 * One image (or index) a source holds, with the name it carries there.
 *
 * @param origin the source as the user named it, e.g. {@code app.tar}
 * @param repository the repository name in the source ({@code busybox}), or null when untagged
 * @param tag the tag in the source ({@code latest}), or null when untagged
 */
public record SourceImage(String origin, String repository, String tag, Artifact artifact) {

    /** {@code repository:tag} as the source names it, or the artifact's name when untagged. */
    public String displayName() {
        if (tag == null) {
            return artifact.name();
        }
        return (repository == null ? "" : repository + ":") + tag;
    }

    /** Splits a reference name as found in a layout or archive ({@code busybox:1.36}, {@code 1.36}). */
    static SourceImage named(String origin, String refName, Artifact artifact) {
        if (refName == null || refName.isEmpty()) {
            return new SourceImage(origin, null, null, artifact);
        }
        int slash = refName.lastIndexOf('/');
        int colon = refName.lastIndexOf(':');
        if (colon > slash) {
            var repo = refName.substring(0, colon);
            return new SourceImage(origin, repo.isEmpty() ? null : repo, refName.substring(colon + 1), artifact);
        }
        if (slash < 0 && dev.hoist.image.ImageRef.isValidTag(refName)) {
            return new SourceImage(origin, null, refName, artifact);
        }
        return new SourceImage(origin, refName, "latest", artifact);
    }
}
