package dev.hoist.registry;

import dev.hoist.image.Descriptor;

/** How a blob got into a repository, and the descriptor it has there. */
/**
 * @param bytesRead bytes read from the source (uncompressed bytes for a layer compressed on the way)
 * @param bytesSent bytes of the blob sent
 */
public record UploadResult(Descriptor descriptor, How how, long bytesRead, long bytesSent) {

    public enum How { UPLOADED, MOUNTED }
}
