package dev.hoist.image;

import java.util.List;
import java.util.Optional;

/**
 * One image, as every source presents it: a config blob, layers, and the manifest that names them.
 */
public non-sealed interface Image extends Artifact {

    Blob config();

    List<Layer> layers();

    /** The platform from the config or the index that listed this image, when known. */
    Optional<Platform> platform();

    /**
     * The manifest to push once every layer is in place. Stored images return their manifest byte
     * for byte; images whose layers are compressed on the way build one from {@code pushedLayers},
     * the descriptors their layers got, in order: a Docker schema 2 manifest as docker push writes,
     * or an OCI one when {@code oci} is asked (OCI layouts hold only those).
     */
    Manifest manifest(List<Descriptor> pushedLayers, boolean oci);

    /** The stored manifest, when the source has one whose bytes must be kept. */
    Optional<Manifest> storedManifest();
}
