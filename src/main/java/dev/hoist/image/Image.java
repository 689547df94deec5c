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

    /** The digest of the stored manifest, when there is one to keep. */
    default Optional<Digest> manifestDigest() {
        return storedManifest().map(Manifest::digest);
    }

    /** The image ID: its config digest. */
    default Digest id() {
        return config().digest();
    }

    /** What the image holds at its source: config and layers (uncompressed for docker-save layers). */
    default long size() {
        return config().size() + layers().stream().mapToLong(Layer::sourceSize).sum();
    }

    /** Labels, creation time and platform, for filters and listings; read from the config. */
    default ImageConfig metadata() {
        return ImageConfig.read(config());
    }
}
