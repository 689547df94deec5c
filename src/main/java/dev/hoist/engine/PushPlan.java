package dev.hoist.engine;

import dev.hoist.image.LayerCompression;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What to push where, and how: the one thing every face of hoist builds and hands to the
 * {@link PushEngine}.
 *
 * @param concurrency how many blob transfers run at once across all images
 * @param found how many images the sources held before filters
 * @param failFast stop starting new images after the first failure
 * @param dryRun only look: check what the targets have (HEAD) and report what would be sent
 * @param compression how layers that hoist compresses (docker-save, daemon) are compressed;
 *                    layers already compressed at the source go as they are
 * @param referrers push the referrers each image has in its source (signatures, SBOMs, attestations)
 * @param allowNondistributable upload foreign layers too, which are otherwise left to their URLs
 * @param registries settings of its own for some registries (TLS, limits, credentials), over the run's
 * @param onExisting what to do when a target tag already exists
 * @param immutable tags that never change once pushed: a present tag is done, its manifest not compared; or null
 */
public record PushPlan(List<PushItem> items, int found, int concurrency, boolean failFast, boolean dryRun,
                       LayerCompression compression, boolean referrers, boolean allowNondistributable,
                       RegistrySettings registries, OnExisting onExisting, Pattern immutable) {

    public static final int DEFAULT_CONCURRENCY = 4;

    /** When a target tag already exists. */
    public enum OnExisting {
        /** Push unless the tag already names the same manifest (the default). */
        IF_CHANGED,
        /** Leave an existing tag as it is, whatever it names. */
        SKIP,
        /** Write the manifest even when the tag names it already. */
        ALWAYS,
        /** An existing tag fails the image. */
        FAIL
    }

    public PushPlan {
        items = List.copyOf(items);
        if (compression == null) {
            compression = LayerCompression.GZIP;
        }
        registries = registries == null ? RegistrySettings.NONE : registries;
        onExisting = onExisting == null ? OnExisting.IF_CHANGED : onExisting;
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }

    /** A plan that compresses with gzip at its default level. */
    public PushPlan(List<PushItem> items, int found, int concurrency, boolean failFast, boolean dryRun) {
        this(items, found, concurrency, failFast, dryRun, LayerCompression.GZIP);
    }

    /** A plan with referrers and without foreign layers, the defaults. */
    public PushPlan(List<PushItem> items, int found, int concurrency, boolean failFast, boolean dryRun,
                    LayerCompression compression) {
        this(items, found, concurrency, failFast, dryRun, compression, true, false);
    }

    /** A plan with the run's settings for every registry, pushing whatever a tag names. */
    public PushPlan(List<PushItem> items, int found, int concurrency, boolean failFast, boolean dryRun,
                    LayerCompression compression, boolean referrers, boolean allowNondistributable) {
        this(items, found, concurrency, failFast, dryRun, compression, referrers, allowNondistributable,
                RegistrySettings.NONE, OnExisting.IF_CHANGED, null);
    }

    /** The same plan for other items (a retry of the failed ones), everything else as it was. */
    public PushPlan withItems(List<PushItem> items) {
        return new PushPlan(items, found, concurrency, failFast, dryRun, compression, referrers, allowNondistributable,
                registries, onExisting, immutable);
    }

    /** The same plan, as a dry run or not. */
    public PushPlan withDryRun(boolean value) {
        return new PushPlan(items, found, concurrency, failFast, value, compression, referrers, allowNondistributable,
                registries, onExisting, immutable);
    }

    /** Whether a tag already present counts as done without comparing manifests. */
    boolean keepsExisting(String tag) {
        return onExisting == OnExisting.SKIP || (tag != null && immutable != null && immutable.matcher(tag).find());
    }
}
