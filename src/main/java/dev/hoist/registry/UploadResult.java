package dev.hoist.registry;

import dev.hoist.image.Descriptor;

/** How a blob got into a repository, and the descriptor it has there. */
public record UploadResult(Descriptor descriptor, How how, long bytesSent) {

    public enum How { UPLOADED, MOUNTED }
}
