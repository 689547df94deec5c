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
        var name = SourceName.parse(refName);
        return name == null ? new SourceImage(origin, null, null, artifact)
                : new SourceImage(origin, name.repository(), name.tag(), artifact);
    }
}
