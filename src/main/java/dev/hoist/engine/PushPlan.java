package dev.hoist.engine;

import java.util.List;

/**
 * What to push where, and how: the one thing every face of hoist builds and hands to the
 * {@link PushEngine}.
 *
 * @param concurrency how many blob transfers run at once across all images
 * @param failFast stop starting new images after the first failure
 */
public record PushPlan(List<PushItem> items, int concurrency, boolean failFast) {

    public static final int DEFAULT_CONCURRENCY = 4;

    public PushPlan {
        items = List.copyOf(items);
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }
}
