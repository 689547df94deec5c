package dev.hoist.image;

import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about one blob or child manifest. */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform,
                         Map<String, String> annotations, String artifactType) {

    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, null, null);
    }

    public String refName() {
        return annotations.get(REF_NAME);
    }
}
