package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Artifact;
import dev.hoist.image.Image;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.ImageRef;
import dev.hoist.image.InvalidImageException;
import dev.hoist.image.Layer;
import dev.hoist.image.Platform;
import dev.hoist.source.SourceImage;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Turns the images found in sources into plan items: platform picked, target refs named. */
public final class Planner {

    private Planner() {
    }

    /**
     * Maps images to one target repository. A target with a tag takes exactly one image; without
     * one, each image keeps the tag it has in its source ({@code latest} when it has none).
     * Images that land on the same reference are sorted out by {@link PlanBuilder}.
     */
    static List<PushItem> toTarget(List<SourceImage> images, ImageRef target) {
        boolean explicit = target.tag() != null || target.digest() != null;
        if (explicit && distinctArtifacts(images) > 1) {
            throw new HoistException("the source holds " + distinctArtifacts(images) + " images ("
                    + images.stream().map(SourceImage::displayName).collect(Collectors.joining(", "))
                    + "); name one in the source, or give the target no tag so each keeps its own",
                    HoistException.Kind.USAGE);
        }
        return images.stream().map(image -> new PushItem(describe(image), image.artifact(),
                explicit ? target : target.withTag(image.tag() != null ? image.tag() : "latest"))).toList();
    }

    /** {@code app.tar[demo/app:1.0]}, or just the source when it already names the image. */
    public static String describe(SourceImage image) {
        if (image.tag() == null || image.origin().endsWith(":" + image.tag())) {
            return image.origin();
        }
        return image.origin() + "[" + image.displayName() + "]";
    }

    private static long distinctArtifacts(List<SourceImage> images) {
        return images.stream().map(i -> identity(i.artifact())).distinct().count();
    }

    /**
     * What an artifact is by content, so the same image read from two sources (two archives that
     * both hold a shared base, two tags of one manifest) is one image: the digest of a stored
     * manifest or index; for an image whose manifest hoist builds, its config and what each layer
     * becomes.
     */
    static String identity(Artifact artifact) {
        if (artifact instanceof ImageIndex index) {
            return "index " + index.index().digest();
        }
        var image = (Image) artifact;
        var stored = image.storedManifest();
        if (stored.isPresent()) {
            return "manifest " + stored.get().digest();
        }
        return "image " + image.id() + " " + image.layers().stream().map(Layer::pushKey).collect(Collectors.joining(" "));
    }

    /** The platforms an image or index declares, e.g. {@code linux/amd64}. */
    static List<String> platforms(Artifact artifact) {
        if (artifact instanceof ImageIndex index) {
            return index.children().stream().flatMap(c -> platforms(c).stream()).distinct().toList();
        }
        return ((Image) artifact).platform().map(p -> List.of(p.toString())).orElse(List.of());
    }

    /** The image of an index that runs on {@code platform}, or the image itself when it does. */
    static Artifact select(Artifact artifact, Platform platform) {
        if (artifact instanceof ImageIndex index) {
            var found = new ArrayList<String>();
            for (var child : index.children()) {
                if (child instanceof Image image) {
                    var p = image.platform();
                    p.ifPresent(x -> found.add(x.toString()));
                    if (p.isPresent() && platform.matches(p.get())) {
                        return image;
                    }
                } else {
                    var nested = (ImageIndex) child;
                    try {
                        return select(nested, platform);
                    } catch (InvalidImageException ignored) {
                        // Look on in the other children.
                    }
                }
            }
            throw new InvalidImageException(index.name() + ": no image for platform " + platform
                    + (found.isEmpty() ? "" : " (it has " + String.join(", ", found) + ")"));
        }
        var image = (Image) artifact;
        var p = image.platform();
        if (p.isPresent() && !platform.matches(p.get())) {
            throw new InvalidImageException(image.name() + " is for " + p.get() + ", not " + platform);
        }
        return image;
    }
}
