/**
 * Reads images from where they sit: OCI layouts (directory or tar) and docker-save archives. A
 * source never talks to a registry; it yields {@link dev.hoist.source.SourceImage}s.
 */
package dev.hoist.source;
