package dev.hoist.source;

import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.MediaTypes;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.Image;
import dev.hoist.image.ImageConfig;
import dev.hoist.image.Layer;
import dev.hoist.image.Manifest;
import dev.hoist.image.Platform;

import java.util.List;
import java.util.Optional;

/**
 * An image in a Docker daemon. Its metadata (ID, size, labels, platform, diff IDs) comes from the
 * daemon without an export, so listing and filtering are cheap; its content comes from an export,
 * started for all selected images together before a push (or for this one alone when first needed).
 */
final class DaemonImage implements Image {

    record Info(Digest id, long size, ImageConfig metadata, List<Digest> diffIds) {
    }

    private final DockerDaemon daemon;
    private final String ref;
    private final Info info;
    private volatile DaemonExport export;
    private volatile Blob config;

    DaemonImage(DockerDaemon daemon, String ref, Info info) {
        this.daemon = daemon;
        this.ref = ref;
        this.info = info;
    }

    DockerDaemon daemon() {
        return daemon;
    }

    String ref() {
        return ref;
    }

    boolean exported() {
        return export != null;
    }

    void exportedAs(DaemonExport value) {
        export = value;
    }

    private DaemonExport export() {
        if (export == null) {
            synchronized (this) {
                if (export == null) {
                    DockerDaemon.export(List.of(this));
                }
            }
        }
        return export;
    }

    @Override
    public String name() {
        return "docker-daemon:" + ref;
    }

    @Override
    public Digest id() {
        return info.id();
    }

    @Override
    public long size() {
        return info.size();
    }

    @Override
    public ImageConfig metadata() {
        return info.metadata();
    }

    @Override
    public Optional<Platform> platform() {
        return info.metadata().platform();
    }

    @Override
    public Optional<Digest> manifestDigest() {
        return Optional.empty();
    }

    /** The config, once the export has passed it: its size is only known then. */
    @Override
    public Blob config() {
        if (config == null) {
            var bytes = export().read(info.id());
            config = new Blob(new Descriptor(MediaTypes.DOCKER_CONFIG, info.id(), bytes.length), export().content(info.id()));
        }
        return config;
    }

    /** Known from the daemon's metadata; their bytes come from the export when the engine reads them. */
    @Override
    public List<Layer> layers() {
        return info.diffIds().stream()
                .<Layer>map(diffId -> new CompressedLayer(diffId, -1, new LazyContent(diffId), MediaTypes.DOCKER_LAYER_GZIP))
                .toList();
    }

    @Override
    public Manifest manifest(List<Descriptor> pushedLayers, boolean oci) {
        return DockerArchive.manifest(config().descriptor(), pushedLayers, oci);
    }

    @Override
    public Optional<Manifest> storedManifest() {
        return Optional.empty();
    }

    /** A layer's bytes from the export, which starts when the first of them (or a staging upload) is wanted. */
    private final class LazyContent implements dev.hoist.image.StagingContent {
        private final Digest diffId;

        LazyContent(Digest diffId) {
            this.diffId = diffId;
        }

        @Override
        public java.io.InputStream open() throws java.io.IOException {
            return export().content(diffId).open();
        }

        @Override
        public String location() {
            return name() + " layer " + diffId;
        }

        @Override
        public dev.hoist.image.Staging staging() {
            return export();
        }
    }
}
