package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Artifact;
import dev.hoist.image.Image;
import dev.hoist.image.ImageIndex;
import dev.hoist.registry.RegistryException;
import dev.hoist.registry.Retry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs push plans: the one push path of hoist. Blobs of all images share one bounded pool. A blob
 * several images need in one repository goes up once while the others wait for it; one another
 * repository of the same registry got in this run is mounted from there. An image whose manifest
 * the target already has is "up to date" without touching its blobs. Manifests go last, an index
 * after its children, so a failed image leaves no tag. Everything leaves as {@link PushEvent}s.
 * A run is three pieces: {@link Scheduler} (threads, gate, cancel), {@link BlobTransfer} (dedupe,
 * mount, upload) and {@link ImagePush} (tags, manifests and referrers in order); this class wires
 * them and tells the run's start, retries and end.
 */
public final class PushEngine {

    private final Registries registries;
    private final BlobInfoCache blobInfo;

    public PushEngine(Registries registries, BlobInfoCache blobInfo) {
        this.registries = registries;
        this.blobInfo = blobInfo;
    }

    /** Runs a plan to its end on the calling thread, without a {@link Job}: no pause, no live limits. */
    public PushResult run(PushPlan plan, List<PushListener> listeners, CancelToken cancel) {
        try (var bus = new EventBus(listeners)) {
            return run(plan, bus, cancel, new JobGate(plan.concurrency(), 0, cancel));
        }
    }

    PushResult run(PushPlan plan, EventBus bus, CancelToken cancel, JobGate gate) {
        var retries = new AtomicInteger();
        try (var scheduler = new Scheduler(plan, gate, cancel)) {
            // Counts retries for the report; Ctrl-C ends a retry's wait (a long Retry-After) at once. Several runs
            // may share the registries (the shell's jobs): each counts, and stops, only its own requests.
            var onRetry = new Retry.Listener() {
                @Override
                public void retrying(int attempt, Duration delay, String reason) {
                    told(attempt, delay, reason, 0, null);
                }

                @Override
                public void retrying(int attempt, Duration delay, RegistryException failure) {
                    told(attempt, delay, failure.getMessage(), failure.status(), failure.retryAfter());
                }

                private void told(int attempt, Duration delay, String reason, int status, Duration retryAfter) {
                    var c = Scheduler.current();
                    if (scheduler.owns(c)) {
                        retries.incrementAndGet();
                        bus.publish(new PushEvent.Retrying(attempt, delay, reason, c == null ? null : c.whose(),
                                c == null ? null : c.which(), c == null ? null : c.target().registry(), status, retryAfter));
                    }
                }

                @Override
                public boolean stopped() {
                    return scheduler.owns(Scheduler.current()) && cancel.isCancelled();
                }
            };
            registries.addRetryListener(onRetry);
            try {
                var started = Instant.now();
                bus.publish(new PushEvent.PlanStarted(plan.items().size(), plan.concurrency(), sourceBytes(plan), plan.dryRun()));
                plan.items().forEach(item -> bus.publish(new PushEvent.ImageQueued(item.source(), item.target())));
                var blobs = new BlobTransfer(plan, bus, scheduler, blobInfo);
                var images = new ImagePush(registries, plan, bus, scheduler, blobs, blobInfo);
                var futures = plan.items().stream()
                        .map(item -> scheduler.image(item.target(), () -> images.push(item)))
                        .toList();
                var results = images.writeLayouts(futures.stream().map(CompletableFuture::join).toList());
                blobs.finishStagings();
                scheduler.drain();
                var result = new PushResult(started, Instant.now(), plan.found(), results, retries.get(),
                        cancel.isCancelled(), plan.dryRun());
                bus.publish(new PushEvent.PlanDone(result));
                return result;
            } finally {
                registries.removeRetryListener(onRetry);
            }
        }
    }

    /** What the plan's distinct layers hold at their source, per target; an image's size where its layers' are unknown. */
    private static long sourceBytes(PushPlan plan) {
        long total = 0;
        var seen = new java.util.HashSet<String>();
        for (var item : plan.items()) {
            for (var image : images(item.artifact())) {
                boolean unknown = false;
                for (var layer : image.layers()) {
                    if (seen.add(item.target().registry() + "/" + item.target().repository() + "@" + layer.pushKey())) {
                        unknown |= layer.sourceSize() < 0;
                        total += Math.max(0, layer.sourceSize());
                    }
                }
                if (unknown) {
                    total += image.size();
                }
            }
        }
        return total;
    }

    private static List<Image> images(Artifact artifact) {
        var out = new ArrayList<Image>();
        if (artifact instanceof ImageIndex index) {
            index.children().forEach(c -> out.addAll(images(c)));
        } else {
            out.add((Image) artifact);
        }
        return out;
    }

    static String message(Throwable e) {
        var t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        var hoist = HoistException.find(t);
        if (hoist != null) {
            return hoist.getMessage();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
