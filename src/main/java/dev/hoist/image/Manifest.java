package dev.hoist.image;

import java.util.List;

/**
 * An image manifest: its exact bytes, the media type it is pushed with, and the parsed config and
 * layer descriptors. The digest is always that of {@link #raw()}, so it never drifts.
 */
public record Manifest(byte[] raw, String mediaType, Digest digest, Descriptor config, List<Descriptor> layers) {

    public static final int MAX_BYTES = 4 * 1024 * 1024;

    public Manifest {
        layers = List.copyOf(layers);
    }

    public static Manifest parse(byte[] raw, String fallbackMediaType, String what) {
        checkSize(raw, what);
        var node = Json.parse(raw, what);
        var mediaType = Json.text(node, "mediaType");
        if (mediaType == null) {
            mediaType = fallbackMediaType != null ? fallbackMediaType : MediaTypes.OCI_MANIFEST;
        }
        if (!MediaTypes.isManifest(mediaType)) {
            throw new InvalidImageException(what + ": unsupported manifest media type '" + mediaType + "'");
        }
        var config = Json.descriptor(node.get("config"), what + " config");
        var layers = Json.descriptors(node, "layers", what);
        return new Manifest(raw, mediaType, Digest.sha256(raw), config, layers);
    }

    static void checkSize(byte[] raw, String what) {
        if (raw.length > MAX_BYTES) {
            throw new InvalidImageException(what + " is " + raw.length + " bytes, over the 4 MiB a manifest may have");
        }
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, raw.length);
    }
}
