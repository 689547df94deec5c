package dev.hoist.dsl;

import dev.hoist.engine.ImageFilter;
import dev.hoist.engine.Mapping;
import dev.hoist.image.Image;
import dev.hoist.image.ImageConfig;
import dev.hoist.image.ImageIndex;
import dev.hoist.source.SourceImage;

import java.time.Instant;
import java.util.Map;

/**
 * An image as a script's closures see it ({@code where}, {@code rename}) and {@code images} lists it.
 * Labels and the creation time come from the config, read when first asked.
 */
public final class ImageInfo {

    private final SourceImage image;
    private final String repository;
    private ImageConfig config;

    ImageInfo(SourceImage image) {
        this(image, image.repository() == null ? null : Mapping.sourceName(image.repository()));
    }

    /** With the repository as a mapping sees it (a prefix already stripped). */
    ImageInfo(SourceImage image, String repository) {
        this.image = image;
        this.repository = repository;
    }

    SourceImage sourceImage() {
        return image;
    }

    /** {@code demo/app}: the repository the source gives it, without a registry host. */
    public String getRepository() {
        return repository;
    }

    /** {@code app}: the last part of the repository. */
    public String getName() {
        return repository == null ? null : repository.substring(repository.lastIndexOf('/') + 1);
    }

    public String getTag() {
        return image.tag();
    }

    /** The manifest (or index) digest the source stores, else the image ID (its config digest). */
    public String getDigest() {
        if (image.artifact() instanceof ImageIndex index) {
            return index.index().digest().toString();
        }
        var i = (Image) image.artifact();
        return i.manifestDigest().orElse(i.id()).toString();
    }

    /** {@code linux/amd64}; of an index, its platforms joined with commas; null when unknown. */
    public String getPlatform() {
        if (image.artifact() instanceof ImageIndex index) {
            var all = index.children().stream().filter(Image.class::isInstance).map(Image.class::cast)
                    .flatMap(c -> c.platform().stream()).map(Object::toString).distinct().toList();
            return all.isEmpty() ? null : String.join(",", all);
        }
        return ((Image) image.artifact()).platform().map(Object::toString).orElse(null);
    }

    /** Bytes the image holds at its source. */
    public long getSize() {
        return ImageFilter.size(image.artifact());
    }

    public Map<String, String> getLabels() {
        var c = config();
        return c == null ? Map.of() : c.labels();
    }

    /** The config's creation time, or null when it has none. */
    public Instant getCreated() {
        var c = config();
        return c == null ? null : c.created();
    }

    /** The source as the plan names it, e.g. {@code dist/app.tar}. */
    public String getSource() {
        return image.origin();
    }

    private ImageConfig config() {
        if (config == null) {
            var artifact = image.artifact();
            while (artifact instanceof ImageIndex index && !index.children().isEmpty()) {
                artifact = index.children().get(0);
            }
            config = artifact instanceof Image i ? i.metadata() : null;
        }
        return config;
    }

    @Override
    public String toString() {
        return (repository == null ? "" : repository) + (getTag() == null ? "" : ":" + getTag());
    }
}
