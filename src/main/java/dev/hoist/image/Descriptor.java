package dev.hoist.image;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OCI content descriptor: what a manifest or index says about one blob or child manifest.
 *
 * @param urls where a non-distributable (foreign) layer can be fetched instead of the registry
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform,
                         Map<String, String> annotations, String artifactType, List<String> urls) {

    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** Layers that registries do not serve by convention: Windows base layers, and their OCI forms. */
    private static final Set<String> NONDISTRIBUTABLE = Set.of(
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd");

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public Descriptor(String mediaType, Digest digest, long size, Platform platform,
                      Map<String, String> annotations, String artifactType) {
        this(mediaType, digest, size, platform, annotations, artifactType, null);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, null, null, null);
    }

    /**
     * A foreign layer: one that names {@code urls}, or has a non-distributable media type. Like
     * skopeo and crane, hoist does not upload these unless asked.
     */
    public boolean isNondistributable() {
        return !urls.isEmpty() || mediaType != null && NONDISTRIBUTABLE.contains(mediaType);
    }

    public String refName() {
        return annotations.get(REF_NAME);
    }
}
