package dev.hoist.image;

/**
 * One layer of an image: either a blob pushed exactly as stored, or an uncompressed layer that is
 * gzip-compressed on its way to the registry (docker-save archives).
 */
public sealed interface Layer permits Blob, CompressedLayer {

    /** The uncompressed or stored size, for progress and reports before the push knows more. */
    long sourceSize();

    Content content();
}
