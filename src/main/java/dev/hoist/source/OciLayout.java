package dev.hoist.source;

import dev.hoist.image.Artifact;
import dev.hoist.image.Blob;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.HoistException;
import dev.hoist.image.Image;
import dev.hoist.image.ImageConfig;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.Index;
import dev.hoist.image.InvalidImageException;
import dev.hoist.image.Json;
import dev.hoist.image.Layer;
import dev.hoist.image.Manifest;
import dev.hoist.image.MediaTypes;
import dev.hoist.image.Platform;
import dev.hoist.image.Referrers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * An OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/ALG/HEX}) in a
 * directory or a tar. Images are pushed byte for byte: manifests and indexes keep their bytes.
 */
final class OciLayout {

    private static final int MAX_DEPTH = 4;
    private static final String CONTAINERD_NAME = "io.containerd.image.name";

    private final Tree tree;
    private final String origin;
    private Map<Digest, List<Descriptor>> referrers = Map.of();

    OciLayout(Tree tree, String origin) {
        this.tree = tree;
        this.origin = origin;
    }

    static boolean isLayout(Tree tree) {
        return tree.exists("oci-layout") && tree.exists("index.json");
    }

    /**
     * The images the layout's top-level index names.
     *
     * @param tag only the entry with this reference name, or null for all
     * @param digest only the manifest or index with this digest (at any depth), or null
     */
    List<SourceImage> images(String tag, Digest digest) {
        var top = top();
        referrers = referrersBySubject(top);
        var referrerDigests = referrers.values().stream().flatMap(List::stream).map(Descriptor::digest)
                .collect(java.util.stream.Collectors.toSet());
        // Untagged entries with a subject are referrers (signatures, SBOMs): pushed with their subject, not on their own.
        var plain = top.manifests().stream().filter(d -> d.refName() != null || !referrerDigests.contains(d.digest())).toList();
        if (digest != null) {
            var found = findByDigest(top.manifests(), digest, 0);
            if (found == null) {
                throw new InvalidImageException(tree.name() + ": no manifest or index with digest " + digest);
            }
            return List.of(SourceImage.named(origin, found.refName(), load(found, found.refName(), 0)));
        }
        var out = new ArrayList<SourceImage>();
        for (var d : top.manifests()) {
            var ref = d.refName();
            if (tag != null) {
                var named = d.annotations().get(CONTAINERD_NAME);
                if (ref != null && (ref.equals(tag) || ref.endsWith(":" + tag) && !tag.contains(":"))) {
                    out.add(SourceImage.named(origin, ref, load(d, ref, 0)));
                } else if (tag.equals(named)) {
                    // containerd and Docker 25+ name the image in full beside a ref name of the tag alone.
                    out.add(SourceImage.named(origin, named, load(d, named, 0)));
                }
            } else if (ref != null || plain.size() == 1 && plain.get(0) == d) {
                out.add(SourceImage.named(origin, ref, load(d, ref, 0)));
            }
        }
        if (tag != null && out.isEmpty()) {
            throw new InvalidImageException(tree.name() + ": no image tagged '" + tag + "' (tags: " + tags(top) + ")");
        }
        if (out.isEmpty()) {
            throw new InvalidImageException(tree.name() + ": the layout holds " + plain.size()
                    + " untagged images; name one with @DIGEST");
        }
        return out;
    }

    /** The names of the layout's images (what {@code oci:DIR:NAME} selects), from index.json alone. */
    List<SourceName> names() {
        return top().manifests().stream().map(d -> SourceName.parse(d.refName())).filter(n -> n != null).toList();
    }

    private Index top() {
        if (!tree.exists("oci-layout")) {
            throw new InvalidImageException(tree.name() + ": not an OCI layout (no oci-layout file)");
        }
        return Index.parse(tree.read("index.json", Manifest.MAX_BYTES), MediaTypes.OCI_INDEX, tree.name() + ": index.json");
    }

    /**
     * The top-level entries whose manifest names a {@code subject}, by that subject's digest: where
     * cosign, oras and skopeo put referrers in a layout. An entry that cannot be read is left to fail
     * when it is pushed, not here.
     */
    private Map<Digest, List<Descriptor>> referrersBySubject(Index top) {
        var out = new HashMap<Digest, List<Descriptor>>();
        for (var d : top.manifests()) {
            if (d.mediaType() != null && !MediaTypes.isManifest(d.mediaType()) && !MediaTypes.isIndex(d.mediaType())) {
                continue;
            }
            try {
                Referrers.subject(readBlob(d), tree.name() + ": " + d.digest())
                        .ifPresent(subject -> out.computeIfAbsent(subject, k -> new ArrayList<>()).add(d));
            } catch (HoistException e) {
                // Not a referrer we can read; pushing it by name reports what is wrong.
            }
        }
        return out;
    }

    /** The referrers of a manifest or index of this layout, loaded with their own referrers. */
    private List<Artifact> referrersOf(Digest subject, int depth) {
        var found = referrers.getOrDefault(subject, List.of());
        if (found.isEmpty() || depth >= MAX_DEPTH) {
            return List.of();
        }
        return found.stream().map(r -> load(r, null, depth + 1)).toList();
    }

    private static String tags(Index top) {
        var names = top.manifests().stream().map(Descriptor::refName).filter(n -> n != null).toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private Descriptor findByDigest(List<Descriptor> descriptors, Digest digest, int depth) {
        for (var d : descriptors) {
            if (d.digest().equals(digest)) {
                return d;
            }
        }
        if (depth >= MAX_DEPTH) {
            return null;
        }
        for (var d : descriptors) {
            if (d.mediaType() == null || MediaTypes.isIndex(d.mediaType())) {
                var raw = readBlob(d);
                if (!MediaTypes.isIndex(mediaTypeOf(d, raw))) {
                    continue;
                }
                var child = Index.parse(raw, MediaTypes.OCI_INDEX, tree.name() + ": index " + d.digest());
                var found = findByDigest(child.manifests(), digest, depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private Artifact load(Descriptor d, String ref, int depth) {
        var label = origin + (ref != null ? "[" + ref + "]" : "@" + d.digest().shortHex());
        var raw = readBlob(d);
        var mediaType = mediaTypeOf(d, raw);
        if (MediaTypes.isIndex(mediaType)) {
            if (depth >= MAX_DEPTH) {
                throw new InvalidImageException(tree.name() + ": indexes nested too deeply");
            }
            var index = Index.parse(raw, mediaType, tree.name() + ": index " + d.digest());
            var children = new ArrayList<Artifact>();
            for (var child : index.manifests()) {
                if (child.mediaType() != null && !MediaTypes.isIndex(child.mediaType()) && !MediaTypes.isManifest(child.mediaType())) {
                    throw new InvalidImageException(tree.name() + ": index " + d.digest() + " names "
                            + child.digest() + " with unsupported media type '" + child.mediaType() + "'");
                }
                children.add(loadChild(child, label, depth));
            }
            return new ImageIndex(label, index, children, referrersOf(d.digest(), depth));
        }
        if (MediaTypes.isManifest(mediaType)) {
            var manifest = Manifest.parse(raw, mediaType, tree.name() + ": manifest " + d.digest());
            return image(label, manifest, d.platform(), referrersOf(d.digest(), depth));
        }
        throw new InvalidImageException(tree.name() + ": " + d.digest() + " has unsupported media type '" + mediaType + "'");
    }

    /**
     * What a manifest or index is: its descriptor's media type, else (a descriptor without one, which
     * some tools write) the content's own {@code mediaType}, else its shape, as skopeo reads it.
     */
    private String mediaTypeOf(Descriptor d, byte[] raw) {
        if (d.mediaType() != null) {
            return d.mediaType();
        }
        var node = Json.parse(raw, tree.name() + ": " + d.digest());
        var own = Json.text(node, "mediaType");
        if (own != null) {
            return own;
        }
        if (node.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (node.has("config") || node.has("layers")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw new InvalidImageException(tree.name() + ": " + d.digest()
                + " has no mediaType, and its content is neither an image manifest nor an index");
    }

    private Artifact loadChild(Descriptor child, String parentLabel, int depth) {
        var artifact = load(child, null, depth + 1);
        if (artifact instanceof LayoutImage image) {
            var p = child.platform();
            return new LayoutImage(parentLabel + (p != null ? "[" + p + "]" : "@" + child.digest().shortHex()),
                    image.manifest, image.config, image.layers, p != null ? p : image.declared, image.referrers);
        }
        return artifact;
    }

    private byte[] readBlob(Descriptor d) {
        var raw = tree.read(blobPath(d.digest()), Manifest.MAX_BYTES);
        if (raw.length != d.size() || !d.digest().matches(raw)) {
            throw new InvalidImageException(tree.name() + ": " + blobPath(d.digest()) + " does not match its digest or size");
        }
        return raw;
    }

    static String blobPath(Digest digest) {
        return "blobs/" + digest.algorithm() + "/" + digest.hex();
    }

    private LayoutImage image(String label, Manifest manifest, Platform platform, List<Artifact> referrers) {
        var config = blob(manifest.config(), manifest);
        var layers = new ArrayList<Layer>();
        for (var d : manifest.layers()) {
            layers.add(blob(d, manifest));
        }
        return new LayoutImage(label, manifest, config, layers, platform, referrers);
    }

    private Blob blob(Descriptor d, Manifest manifest) {
        var path = blobPath(d.digest());
        var size = tree.size(path);
        if (size.isEmpty() && d.isNondistributable()) {
            // skopeo leaves foreign layers out of a layout: they are fetched from their URLs, not pushed.
            return new Blob(d, dev.hoist.image.Content.missing(tree.name() + ": " + path + " (foreign layer " + d.digest() + ")",
                    "not in the layout, so it cannot be pushed with --allow-nondistributable-artifacts"));
        }
        if (size.isEmpty()) {
            throw new InvalidImageException(tree.name() + ": blob " + d.digest() + " named by manifest "
                    + manifest.digest() + " is missing");
        }
        if (size.getAsLong() != d.size()) {
            throw new InvalidImageException(tree.name() + ": blob " + d.digest() + " has " + size.getAsLong()
                    + " bytes, its descriptor says " + d.size());
        }
        return new Blob(d, tree.content(path));
    }

    /** An image of the layout; its config is read once, when its platform or metadata is first asked for. */
    private static final class LayoutImage implements Image {
        private final String name;
        private final Manifest manifest;
        private final Blob config;
        private final List<Layer> layers;
        private final Platform declared;
        private final List<Artifact> referrers;
        private volatile ImageConfig metadata;

        LayoutImage(String name, Manifest manifest, Blob config, List<Layer> layers, Platform declared, List<Artifact> referrers) {
            this.name = name;
            this.manifest = manifest;
            this.config = config;
            this.layers = layers;
            this.declared = declared;
            this.referrers = List.copyOf(referrers);
        }

        @Override
        public List<Artifact> referrers() {
            return referrers;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Blob config() {
            return config;
        }

        @Override
        public List<Layer> layers() {
            return layers;
        }

        @Override
        public ImageConfig metadata() {
            var m = metadata;
            if (m == null) {
                m = ImageConfig.read(config);
                metadata = m;
            }
            return m;
        }

        /** The platform the index declares, else the config's; none when the config cannot be read. */
        @Override
        public Optional<Platform> platform() {
            if (declared != null) {
                return Optional.of(declared);
            }
            try {
                return metadata().platform();
            } catch (HoistException e) {
                return Optional.empty();
            }
        }

        @Override
        public Manifest manifest(List<Descriptor> pushedLayers, boolean oci) {
            return manifest;
        }

        @Override
        public Optional<Manifest> storedManifest() {
            return Optional.of(manifest);
        }
    }
}
