/**
 * The image model: digests, descriptors, manifests, indexes, platforms and references, with
 * {@link dev.hoist.image.Image} as the one small interface every source implements.
 */
package dev.hoist.image;
