package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * An uncompressed layer (a docker-save {@code layer.tar}) that becomes a compressed blob on the way
 * out, gzip unless the plan asks for another {@link LayerCompression}. Its diff ID is verified while
 * it is read; the compressed digest is learned by compressing.
 *
 * @param diffId the digest of the uncompressed bytes, or null when the source learns it only by reading
 * @param size uncompressed size in bytes, or -1 when not known before reading
 * @param mediaType the media type of the compressed blob in the manifest that will be written
 * @param compression how it is compressed
 */
public record CompressedLayer(Digest diffId, long size, Content content, String mediaType, LayerCompression compression)
        implements Layer {

    /** A layer to be compressed with gzip at its default level, as sources make them. */
    public CompressedLayer(Digest diffId, long size, Content content, String mediaType) {
        this(diffId, size, content, mediaType, LayerCompression.GZIP);
    }

    /** The same layer compressed another way (its media type following). */
    public CompressedLayer withCompression(LayerCompression other) {
        return other.equals(compression) ? this
                : new CompressedLayer(diffId, size, content, other.mediaType(mediaType), other);
    }

    /** The compressed bytes, made while they are read; the diff ID is checked at the end. */
    public InputStream openCompressed() throws IOException {
        return compression.compress(open());
    }

    /** The uncompressed bytes, checked against the diff ID at the end of the stream. */
    public InputStream open() throws IOException {
        if (diffId == null) {
            return Content.openOrFail(content);
        }
        return new VerifyingInputStream(Content.openOrFail(content), diffId, size, content.location());
    }

    @Override
    public String pushKey() {
        return diffId + " " + compression.scheme();
    }

    @Override
    public long sourceSize() {
        return size;
    }
}
