package dev.hoist.engine;

import dev.hoist.image.LayerCompression;

import java.util.List;

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
 */
public record PushPlan(List<PushItem> items, int found, int concurrency, boolean failFast, boolean dryRun,
                       LayerCompression compression, boolean referrers, boolean allowNondistributable) {

    public static final int DEFAULT_CONCURRENCY = 4;

    public PushPlan {
        items = List.copyOf(items);
        if (compression == null) {
            compression = LayerCompression.GZIP;
        }
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

    /** The same plan for other items (a retry of the failed ones), everything else as it was. */
    public PushPlan withItems(List<PushItem> items) {
        return new PushPlan(items, found, concurrency, failFast, dryRun, compression, referrers, allowNondistributable);
    }
}
