package dev.hoist.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Compression;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.Image;
import dev.hoist.image.ImageConfig;
import dev.hoist.image.InvalidImageException;
import dev.hoist.image.Json;
import dev.hoist.image.Layer;
import dev.hoist.image.Manifest;
import dev.hoist.image.MediaTypes;
import dev.hoist.image.Platform;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A {@code docker save} archive, in the legacy form ({@code ID/layer.tar}) and the OCI-layout form
 * Docker 25+ writes ({@code blobs/sha256/...}); both are read through {@code manifest.json}. The
 * config is kept byte for byte (so the image ID stays), layers are uncompressed tars that are
 * gzip-compressed on their way out, and the manifest is a Docker schema 2 manifest built from the
 * pushed layers.
 */
final class DockerArchive {

    private static final int MAX_CONFIG = 16 * 1024 * 1024;

    private final Tree tree;
    private final String origin;

    DockerArchive(Tree tree, String origin) {
        this.tree = tree;
        this.origin = origin;
    }

    static boolean isArchive(Tree tree) {
        return tree.exists("manifest.json");
    }

    /**
     * The images the archive holds, one entry per tag (an untagged image once).
     *
     * @param selector {@code REPO:TAG}, {@code @N} (0-based position in manifest.json), or null for all
     */
    List<SourceImage> images(String selector) {
        var node = entries();
        var out = new ArrayList<SourceImage>();
        for (int i = 0; i < node.size(); i++) {
            var entry = node.get(i);
            var repoTags = repoTags(entry);
            var first = repoTags.isEmpty() ? null : repoTags.iterator().next();
            if (selector == null) {
                var image = load(entry, i, first);
                if (repoTags.isEmpty()) {
                    out.add(SourceImage.named(origin, null, image));
                }
                repoTags.forEach(t -> out.add(SourceImage.named(origin, t, image)));
            } else if (selector.equals("@" + i)) {
                out.add(SourceImage.named(origin, first, load(entry, i, first)));
            } else if (repoTags.stream().anyMatch(t -> sameRef(t, selector))) {
                out.add(SourceImage.named(origin, selector, load(entry, i, selector)));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidImageException(tree.name() + (selector == null
                    ? ": manifest.json lists no images"
                    : ": no image '" + selector + "' in the archive"));
        }
        return out;
    }

    /** The names of the archive's images (what {@code docker-archive:FILE:REPO:TAG} selects), from manifest.json alone. */
    List<SourceName> names() {
        var out = new ArrayList<SourceName>();
        entries().forEach(entry -> repoTags(entry).forEach(t -> out.add(SourceName.parse(t))));
        return out;
    }

    private JsonNode entries() {
        if (!tree.exists("manifest.json")) {
            throw new InvalidImageException(tree.name() + ": not a docker-save archive (no manifest.json)");
        }
        return parseList(tree.read("manifest.json", Manifest.MAX_BYTES));
    }

    private static LinkedHashSet<String> repoTags(JsonNode entry) {
        var repoTags = new LinkedHashSet<String>();
        var tags = entry.get("RepoTags");
        if (tags != null && tags.isArray()) {
            tags.forEach(t -> repoTags.add(t.asText()));
        }
        return repoTags;
    }

    /** {@code busybox:latest} names the same image as {@code docker.io/library/busybox:latest}. */
    private static boolean sameRef(String a, String b) {
        return shortRef(a).equals(shortRef(b));
    }

    private static String shortRef(String ref) {
        var r = ref.startsWith("docker.io/") ? ref.substring("docker.io/".length()) : ref;
        return r.startsWith("library/") ? r.substring("library/".length()) : r;
    }

    private JsonNode parseList(byte[] raw) {
        try {
            var node = Json.MAPPER.readTree(raw);
            if (node == null || !node.isArray()) {
                throw new InvalidImageException(tree.name() + ": manifest.json is not a list");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new InvalidImageException(tree.name() + ": manifest.json is not valid JSON");
        }
    }

    private Image load(JsonNode entry, int position, String firstTag) {
        var configPath = Json.text(entry, "Config");
        if (configPath == null) {
            throw new InvalidImageException(tree.name() + ": manifest.json entry " + position + " has no Config");
        }
        var configBytes = tree.read(configPath, MAX_CONFIG);
        var configDigest = Digest.sha256(configBytes);
        var config = new Blob(new Descriptor(MediaTypes.DOCKER_CONFIG, configDigest, configBytes.length),
                tree.content(configPath));
        var configNode = Json.parse(configBytes, tree.name() + ": " + configPath);
        var diffIds = new ArrayList<Digest>();
        var rootfs = configNode.get("rootfs");
        var ids = rootfs == null ? null : rootfs.get("diff_ids");
        if (ids != null && ids.isArray()) {
            for (var id : ids) {
                try {
                    diffIds.add(Digest.parse(id.asText()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidImageException(tree.name() + ": " + configPath + ": " + e.getMessage());
                }
            }
        }
        var layerPaths = entry.get("Layers");
        int count = layerPaths == null || !layerPaths.isArray() ? 0 : layerPaths.size();
        if (count != diffIds.size()) {
            throw new InvalidImageException(tree.name() + ": manifest.json lists " + count + " layers but the config has "
                    + diffIds.size() + " diff IDs");
        }
        var layers = new ArrayList<Layer>();
        // Foreign layers (Windows base layers): docker save names the descriptor they were pulled by, urls and all.
        var sources = entry.get("LayerSources");
        for (int i = 0; i < count; i++) {
            var path = layerPaths.get(i).asText();
            var foreign = sources != null && sources.isObject() ? sources.get(diffIds.get(i).toString()) : null;
            if (foreign != null) {
                var d = Json.descriptor(foreign, tree.name() + ": manifest.json LayerSources " + diffIds.get(i));
                layers.add(new Blob(d, dev.hoist.image.Content.missing(tree.name() + ": " + path + " (foreign layer " + d.digest() + ")",
                        "docker save holds the layer uncompressed, not the blob " + d.digest()
                                + " it was pulled as, so it cannot be pushed with --allow-nondistributable-artifacts")));
                continue;
            }
            var size = tree.size(path);
            if (size.isEmpty()) {
                throw new InvalidImageException(tree.name() + ": layer " + path + " named by manifest.json is missing");
            }
            layers.add(layer(path, size.getAsLong(), diffIds.get(i)));
        }
        var label = origin + "[" + (firstTag != null ? firstTag : configDigest.shortHex()) + "]";
        return new ArchiveImage(label, config, layers, ImageConfig.of(configNode));
    }

    /**
     * A layer as the archive holds it: uncompressed (the classic store), to be compressed on the way;
     * or already compressed (Docker's containerd image store), to be pushed as it is.
     */
    private Layer layer(String path, long size, Digest diffId) {
        var compression = compression(path);
        if (compression == Compression.NONE) {
            return new CompressedLayer(diffId, size, tree.content(path), MediaTypes.DOCKER_LAYER_GZIP);
        }
        var name = Tree.normalize(tree.name(), path);
        Digest digest;
        if (name.matches("blobs/sha256/[a-f0-9]{64}")) {
            digest = new Digest("sha256", name.substring("blobs/sha256/".length()));
        } else {
            try (var in = tree.open(path)) {
                var md = Digest.newSha256();
                var buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    md.update(buffer, 0, n);
                }
                digest = Digest.of(md);
            } catch (IOException e) {
                throw new InvalidImageException(tree.name() + ": cannot read " + path + ": " + e.getMessage(), e);
            }
        }
        var mediaType = compression == Compression.ZSTD ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.DOCKER_LAYER_GZIP;
        return new Blob(new Descriptor(mediaType, digest, size), tree.content(path));
    }

    private Compression compression(String path) {
        try {
            return Compression.sniff(tree.open(path));
        } catch (IOException e) {
            throw new InvalidImageException(tree.name() + ": cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The manifest of an image read from docker save: Docker schema 2 unless OCI is asked for, or a
     * layer is zstd, which Docker's media types cannot say.
     */
    static Manifest manifest(Descriptor config, List<Descriptor> pushedLayers, boolean ociAsked) {
        boolean oci = ociAsked || pushedLayers.stream().anyMatch(d -> MediaTypes.OCI_LAYER_ZSTD.equals(d.mediaType()));
        var type = oci ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
        var cfg = oci ? new Descriptor(MediaTypes.OCI_CONFIG, config.digest(), config.size()) : config;
        var layers = pushedLayers.stream().map(d -> oci && MediaTypes.DOCKER_LAYER_GZIP.equals(d.mediaType())
                ? new Descriptor(MediaTypes.OCI_LAYER_GZIP, d.digest(), d.size()) : d).toList();
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("schemaVersion", 2);
        node.put("mediaType", type);
        node.set("config", Json.toJson(cfg));
        node.set("layers", Json.toJson(layers));
        var raw = Json.write(node);
        return new Manifest(raw, type, Digest.sha256(raw), cfg, layers);
    }

    /** An image of the archive, with what its config says (parsed once, when the archive was read). */
    private record ArchiveImage(String name, Blob config, List<Layer> layers, ImageConfig metadata) implements Image {

        @Override
        public Optional<Platform> platform() {
            return metadata.platform();
        }

        @Override
        public Manifest manifest(List<Descriptor> pushedLayers, boolean oci) {
            return DockerArchive.manifest(config.descriptor(), pushedLayers, oci);
        }

        @Override
        public Optional<Manifest> storedManifest() {
            return Optional.empty();
        }
    }
}
