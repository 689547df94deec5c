package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * An uncompressed layer (a docker-save {@code layer.tar}) that becomes a gzip blob on the way out.
 * Its diff ID is verified while it is read; the compressed digest is learned by compressing.
 *
 * @param diffId the digest of the uncompressed bytes, or null when the source learns it only by reading
 * @param size uncompressed size in bytes, or -1 when not known before reading
 * @param mediaType the media type of the compressed blob in the manifest that will be written
 */
public record CompressedLayer(Digest diffId, long size, Content content, String mediaType) implements Layer {

    /** The uncompressed bytes, checked against the diff ID at the end of the stream. */
    public InputStream open() throws IOException {
        if (diffId == null) {
            return Content.openOrFail(content);
        }
        return new VerifyingInputStream(Content.openOrFail(content), diffId, size, content.location());
    }

    @Override
    public long sourceSize() {
        return size;
    }
}
