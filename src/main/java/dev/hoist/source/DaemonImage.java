package dev.hoist.source;

import dev.hoist.image.Blob;
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
 * made for all selected images together before a push (or for this one alone when first needed).
 */
final class DaemonImage implements Image {

    record Info(Digest id, long size, ImageConfig metadata, List<Digest> diffIds) {
    }

    private final DockerDaemon daemon;
    private final String ref;
    private final Info info;
    private volatile Image content;

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
        return content != null;
    }

    void exportedAs(Image image) {
        content = image;
    }

    private Image content() {
        if (content == null) {
            synchronized (this) {
                if (content == null) {
                    DockerDaemon.export(List.of(this));
                }
            }
        }
        return content;
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
        var m = info.metadata();
        return m.os() == null || m.architecture() == null ? Optional.empty()
                : Optional.of(new Platform(m.os(), m.architecture(), m.variant(), null, null));
    }

    @Override
    public Optional<Digest> manifestDigest() {
        return Optional.empty();
    }

    @Override
    public Blob config() {
        return content().config();
    }

    @Override
    public List<Layer> layers() {
        return content().layers();
    }

    @Override
    public Manifest manifest(List<Descriptor> pushedLayers, boolean oci) {
        return content().manifest(pushedLayers, oci);
    }

    @Override
    public Optional<Manifest> storedManifest() {
        return content().storedManifest();
    }
}
