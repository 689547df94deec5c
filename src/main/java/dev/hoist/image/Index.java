package dev.hoist.image;

import java.util.List;

/** An image index (or Docker manifest list): its exact bytes and the child descriptors. */
public record Index(byte[] raw, String mediaType, Digest digest, List<Descriptor> manifests) {

    public Index {
        manifests = List.copyOf(manifests);
    }

    public static Index parse(byte[] raw, String fallbackMediaType, String what) {
        Manifest.checkSize(raw, what);
        var node = Json.parse(raw, what);
        var mediaType = Json.text(node, "mediaType");
        if (mediaType == null) {
            mediaType = fallbackMediaType != null ? fallbackMediaType : MediaTypes.OCI_INDEX;
        }
        if (!MediaTypes.isIndex(mediaType)) {
            throw new InvalidImageException(what + ": unsupported index media type '" + mediaType + "'");
        }
        return new Index(raw, mediaType, Digest.sha256(raw), Json.descriptors(node, "manifests", what));
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, raw.length);
    }
}
