package dev.hoist.image;

/**
 * One layer of an image: either a blob pushed exactly as stored, or an uncompressed layer that is
 * gzip-compressed on its way to the registry (docker-save archives).
 */
public sealed interface Layer permits Blob, CompressedLayer {

    /** The uncompressed or stored size, for progress and reports before the push knows more. */
    long sourceSize();

    Content content();

    /**
     * What this layer becomes in a registry, as a key: a stored blob's digest, or an uncompressed
     * layer's diff ID with the compression scheme that will make its blob. Never the source digest
     * alone: an uncompressed OCI layer's digest is the diff ID a docker-save layer of the same
     * content has, yet the two are pushed as different blobs.
     */
    String pushKey();
}
