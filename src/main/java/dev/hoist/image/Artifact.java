package dev.hoist.image;

/** What a source yields and the engine pushes: a single image or an index of images. */
public sealed interface Artifact permits Image, ImageIndex {

    /** A short human name, e.g. {@code app.tar[busybox:latest]}. */
    String name();

    /**
     * Manifests of the source whose {@code subject} is this artifact (signatures, SBOMs,
     * attestations that cosign or oras attach): pushed after it, by digest.
     */
    default java.util.List<Artifact> referrers() {
        return java.util.List.of();
    }
}
