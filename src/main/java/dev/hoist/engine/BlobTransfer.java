package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Blob;
import dev.hoist.image.BlobVerificationException;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Content;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;
import dev.hoist.image.Layer;
import dev.hoist.image.Staging;
import dev.hoist.image.StagingContent;
import dev.hoist.image.TransferListener;
import dev.hoist.registry.UploadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * How one run gets each blob into its targets: once per repository (the other images wait for it),
 * mounted from the first repository of the store that got it, skipped where the target has it,
 * uploaded (compressed on the way, or as the source streams it) otherwise, with the blob-info
 * cache's hints. Apart from image ordering, so the dedupe rules read in one place.
 */
final class BlobTransfer {

    /** The engine's logger: debug lines keep the name they had before the engine was split. */
    private static final Logger log = LoggerFactory.getLogger(PushEngine.class);

    /** The first repository of a store (registry) that holds a blob in this run, and the blob's descriptor there. */
    private record Holder(String repository, Descriptor descriptor) {
    }

    private final PushPlan plan;
    private final EventBus bus;
    private final Scheduler scheduler;
    private final BlobInfoCache blobInfo;
    private final Map<String, CompletableFuture<Descriptor>> inRepository = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Holder>> inStore = new ConcurrentHashMap<>();
    private final Set<Staging> stagings = ConcurrentHashMap.newKeySet();
    /** Layers a source uploads while streaming, by store and diff ID once the source has read them through. */
    private final Map<String, StreamedLayer> streamed = new ConcurrentHashMap<>();
    /**
     * The image a streamed layer counts for, by store and diff ID: the first whose push asked the
     * source for it. The report's figures and the events both follow it.
     */
    private final Map<String, ImageRef> countsFor = new ConcurrentHashMap<>();

    BlobTransfer(PushPlan plan, EventBus bus, Scheduler scheduler, BlobInfoCache blobInfo) {
        this.plan = plan;
        this.bus = bus;
        this.scheduler = scheduler;
        this.blobInfo = blobInfo;
    }

    /** Ends the streaming sources this run attached to (daemon exports), once every image is done. */
    void finishStagings() {
        stagings.forEach(Staging::finish);
    }

    /** Gets a layer (or config) of an image into its target's repository, once however many images need it there. */
    CompletableFuture<Descriptor> blob(Destination dest, ImageRef target, Layer layer, Tally tally) {
        // Keyed by what will be pushed: an uncompressed OCI layer and a docker-save layer of the same diff ID are two blobs.
        var key = dest.storeKey() + "/" + dest.repository() + "@"
                + (layer instanceof CompressedLayer c ? c.withCompression(plan.compression()) : layer).pushKey();
        bus.publish(new PushEvent.BlobQueued(target, sourceDigest(layer), layer.sourceSize()));
        if (!plan.allowNondistributable() && layer instanceof Blob foreign && foreign.descriptor().isNondistributable()) {
            // Like skopeo and crane: a foreign layer is fetched from its URLs, the registry is not sent it.
            tally.skipped.incrementAndGet();
            bus.publish(new PushEvent.BlobSkipped(target, foreign.digest(), foreign.size(), "foreign layer, not uploaded"));
            return CompletableFuture.completedFuture(foreign.descriptor());
        }
        var mine = new CompletableFuture<Descriptor>();
        var existing = inRepository.putIfAbsent(key, mine);
        if (existing != null) {
            return existing.thenApply(d -> {
                tally.skipped.incrementAndGet();
                bus.publish(new PushEvent.BlobSkipped(target, d.digest(), d.size(), "shared with another image"));
                return d;
            });
        }
        scheduler.blob(target, sourceDigest(layer), () -> transfer(dest, target, layer, tally), mine);
        return mine;
    }

    private Descriptor transfer(Destination dest, ImageRef target, Layer sourceLayer, Tally tally) {
        scheduler.cancel().check();
        // A layer hoist compresses is compressed the plan's way (gzip unless it asks for zstd).
        var layer = sourceLayer instanceof CompressedLayer c ? c.withCompression(plan.compression()) : sourceLayer;
        var source = sourceDigest(layer);
        var known = knownBlob(layer);
        if (known != null && scheduler.gated(() -> dest.hasBlob(known.digest()))) {
            tally.skipped.incrementAndGet();
            bus.publish(new PushEvent.BlobSkipped(target, known.digest(), known.size(), "already in the target"));
            remember(dest, known.digest());
            inStore.putIfAbsent(dest.storeKey() + "@" + layer.pushKey(),
                    CompletableFuture.completedFuture(new Holder(dest.repository(), known.descriptor())));
            return known.descriptor();
        }
        if (!plan.dryRun() && layer instanceof CompressedLayer compressed
                && compressed.content() instanceof StagingContent streaming) {
            var staged = staged(dest, target, compressed, streaming.staging());
            if (staged != null) {
                return fromStreamed(dest, target, layer, known, staged, tally);
            }
        }
        var mine = new CompletableFuture<Holder>();
        var other = inStore.putIfAbsent(dest.storeKey() + "@" + layer.pushKey(), mine);
        if (other != null) {
            if (!other.isDone()) {
                bus.publish(new PushEvent.BlobWaiting(target, source, layer.sourceSize(), scheduler.worker()));
            }
            var holder = waitFor(other);
            if (holder != null) {
                return fromHolder(dest, target, layer, known, holder, tally);
            }
            scheduler.cancel().check();
        }
        try {
            var descriptor = plan.dryRun() ? wouldUpload(target, layer, known, tally) : upload(dest, target, layer, known, tally);
            mine.complete(new Holder(dest.repository(), descriptor));
            return descriptor;
        } catch (RuntimeException | Error e) {
            // Always settle the future: other repositories may be waiting on it.
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * A layer of a source that pushes while it reads (a daemon export): lets it upload into this
     * store as it streams, then waits for what the layer became. Null when the source did not
     * upload it here; the layer is then read and pushed like any other.
     */
    private Staging.Staged staged(Destination dest, ImageRef target, CompressedLayer layer, Staging staging) {
        stagings.add(staging);
        staging.attach(dest.storeKey(), dest.repository(), (streaming, diffId) -> {
            // Told once its diff ID (the legacy format's layers are named by v1 IDs) and its image are known.
            var layerStream = new StreamedLayer(bus, streaming.size());
            diffId.thenAccept(d -> {
                var key = dest.storeKey() + "@" + d;
                streamed.put(key, layerStream);
                layerStream.learned(d);
                var counted = countsFor.get(key);
                if (counted != null) {
                    layerStream.countsFor(counted);
                }
            });
            // On the source's own thread: its retries are told to this run, under the layer's image once known.
            var r = scheduler.within(new Scheduler.Context(scheduler, target, null, 0, layerStream),
                    () -> dest.putCompressed(streaming.withCompression(plan.compression()), progress(layerStream::progressed)));
            remember(dest, r.descriptor().digest());
            layerStream.uploaded(r);
            return r.descriptor();
        });
        // Until the export has passed the layer this worker waits, and shows it (before the layer's start can be told).
        bus.publish(new PushEvent.BlobWaiting(target, layer.diffId(), layer.sourceSize(), scheduler.worker()));
        // The first image to ask counts the layer; whichever of the two (the ask, the diff ID) comes last announces it.
        var key = dest.storeKey() + "@" + layer.diffId();
        countsFor.putIfAbsent(key, target);
        var known = streamed.get(key);
        if (known != null) {
            known.countsFor(countsFor.get(key));
        }
        var staged = staging.staged(layer.diffId(), dest.storeKey());
        staged.ifPresent(s -> blobInfo.put(plan.compression().scheme(), layer.diffId(),
                new BlobInfoCache.Entry(s.descriptor().digest(), s.descriptor().size())));
        return staged.orElse(null);
    }

    /**
     * A layer the source uploaded while streaming, for one image: one blob of its figures, like any
     * other. The image it counts for has it as uploaded, with the bytes it took (mounted quietly
     * into its repository when the source uploaded it elsewhere); every other image as shared
     * (same repository) or mounted.
     */
    private Descriptor fromStreamed(Destination dest, ImageRef target, Layer layer, Blob known, Staging.Staged staged,
                                    Tally tally) {
        var holder = new Holder(staged.repository(), staged.descriptor());
        var layerStream = streamed.get(dest.storeKey() + "@" + sourceDigest(layer));
        if (layerStream == null || layerStream.result() == null || !target.equals(layerStream.countedFor())) {
            return fromHolder(dest, target, layer, known, holder, tally);
        }
        long read = 0;
        long sent = 0;
        // A layout holds every blob of its store in one place: nothing to mount there.
        if (dest instanceof RegistryDestination && !dest.repository().equals(staged.repository())) {
            var blob = known != null ? known : new Blob(staged.descriptor(), compressedOf((CompressedLayer) layer));
            var r = scheduler.gated(() -> dest.putBlob(blob, staged.repository(), progress(layerStream::progressed)));
            remember(dest, r.descriptor().digest());
            read = r.bytesRead();
            sent = r.bytesSent();
        }
        var uploaded = layerStream.result();
        tally.uploaded.incrementAndGet();
        tally.read.addAndGet(uploaded.bytesRead() + read);
        tally.sent.addAndGet(uploaded.bytesSent() + sent);
        layerStream.done(staged.descriptor(), read, sent);
        return staged.descriptor();
    }

    /** Another image of this run got the blob into this store: mount it, or (in a layout) it is already there. */
    private Descriptor fromHolder(Destination dest, ImageRef target, Layer layer, Blob known, Holder holder, Tally tally) {
        var descriptor = holder.descriptor;
        if (plan.dryRun() && !dest.repository().equals(holder.repository) && dest instanceof RegistryDestination) {
            tally.mounted.incrementAndGet();
            bus.publish(new PushEvent.WouldPush(target, descriptor != null ? descriptor.digest() : sourceDigest(layer),
                    descriptor != null ? descriptor.size() : layer.sourceSize(), "mount from " + holder.repository));
            return descriptor;
        }
        if (dest.repository().equals(holder.repository) || !(dest instanceof RegistryDestination) || descriptor == null) {
            tally.skipped.incrementAndGet();
            bus.publish(new PushEvent.BlobSkipped(target, descriptor != null ? descriptor.digest() : sourceDigest(layer),
                    descriptor != null ? descriptor.size() : layer.sourceSize(), "shared with another image"));
            return descriptor;
        }
        var blob = known != null ? known : new Blob(descriptor, compressedOf((CompressedLayer) layer));
        // Paused: wait before showing a transfer, so what shows as under way is what really is.
        scheduler.awaitRunning();
        bus.publish(new PushEvent.MountStarted(target, sourceDigest(layer), blob.size(), holder.repository, scheduler.worker()));
        long t0 = System.nanoTime();
        var r = scheduler.gated(() -> dest.putBlob(blob, holder.repository, progress(target, sourceDigest(layer), layer.sourceSize())));
        count(dest, target, sourceDigest(layer), r, holder.repository, tally, t0);
        return descriptor;
    }

    private Descriptor upload(Destination dest, ImageRef target, Layer layer, Blob known, Tally tally) {
        var source = sourceDigest(layer);
        if (known != null) {
            try {
                // A repository of this registry that held the blob in an earlier run: the registry mounts it, or says no.
                var mountFrom = remembered(dest, known.digest());
                scheduler.awaitRunning();
                bus.publish(mountFrom != null
                        ? new PushEvent.MountStarted(target, source, known.size(), mountFrom, scheduler.worker())
                        : new PushEvent.BlobStarted(target, source, layer.sourceSize(), layer instanceof CompressedLayer, scheduler.worker()));
                long t0 = System.nanoTime();
                var r = scheduler.gated(() -> dest.putBlob(known, mountFrom, progress(target, source, layer.sourceSize())));
                count(dest, target, source, r, mountFrom, tally, t0);
                return known.descriptor();
            } catch (HoistException e) {
                if (!(layer instanceof CompressedLayer) || !(e.getCause() instanceof BlobVerificationException)) {
                    throw e;
                }
                log.debug("cached compressed digest for {} no longer matches; compressing afresh", source);
            }
        }
        var compressed = (CompressedLayer) layer;
        scheduler.awaitRunning();
        bus.publish(new PushEvent.BlobStarted(target, source, compressed.size(), true, scheduler.worker()));
        long t0 = System.nanoTime();
        var r = scheduler.gated(() -> dest.putCompressed(compressed, progress(target, source, compressed.size())));
        blobInfo.put(compressed.compression().scheme(), compressed.diffId(), new BlobInfoCache.Entry(r.descriptor().digest(), r.descriptor().size()));
        count(dest, target, source, r, null, tally, t0);
        return r.descriptor();
    }

    private Descriptor wouldUpload(ImageRef target, Layer layer, Blob known, Tally tally) {
        tally.uploaded.incrementAndGet();
        var size = known != null ? known.size() : layer.sourceSize();
        tally.sent.addAndGet(size);
        tally.read.addAndGet(layer.sourceSize());
        bus.publish(new PushEvent.WouldPush(target, known != null ? known.digest() : sourceDigest(layer), size,
                known != null ? "upload" : "compress and upload"));
        return known != null ? known.descriptor() : null;
    }

    private void count(Destination dest, ImageRef target, Digest source, UploadResult r, String mountedFrom, Tally tally, long t0) {
        remember(dest, r.descriptor().digest());
        if (r.how() == UploadResult.How.MOUNTED) {
            tally.mounted.incrementAndGet();
            bus.publish(new PushEvent.BlobMounted(target, r.descriptor().digest(), r.descriptor().size(), mountedFrom, source));
            return;
        }
        tally.uploaded.incrementAndGet();
        tally.read.addAndGet(r.bytesRead());
        tally.sent.addAndGet(r.bytesSent());
        bus.publish(new PushEvent.BlobDone(target, source, r.descriptor(), r.bytesRead(), r.bytesSent(),
                Duration.ofNanos(System.nanoTime() - t0)));
    }

    private void remember(Destination dest, Digest digest) {
        if (dest instanceof RegistryDestination && !plan.dryRun()) {
            blobInfo.held(dest.storeKey(), dest.repository(), digest);
        }
    }

    private String remembered(Destination dest, Digest digest) {
        if (!(dest instanceof RegistryDestination)) {
            return null;
        }
        return blobInfo.holders(dest.storeKey(), digest).stream()
                .filter(repository -> !repository.equals(dest.repository()))
                .findFirst().orElse(null);
    }

    /** A blob of known digest: stored blobs, and layers compressed before (the blob-info cache knows them). */
    private Blob knownBlob(Layer layer) {
        if (layer instanceof Blob blob) {
            return blob;
        }
        var compressed = (CompressedLayer) layer;
        return blobInfo.compressed(compressed.compression().scheme(), compressed.diffId())
                .map(hint -> new Blob(new Descriptor(compressed.mediaType(), hint.digest(), hint.size()), compressedOf(compressed)))
                .orElse(null);
    }

    private Holder waitFor(CompletableFuture<Holder> other) {
        try {
            return other.join();
        } catch (CompletionException | CancellationException e) {
            return null;
        }
    }

    /** A blob's progress as events, paced by the scheduler (interval, bandwidth limit, cancel). */
    private TransferListener progress(ImageRef target, Digest key, long size) {
        return progress(bytes -> bus.publish(new PushEvent.BlobProgress(target, key, bytes, size)));
    }

    private TransferListener progress(LongConsumer tell) {
        return scheduler.paced(tell);
    }

    private static Content compressedOf(CompressedLayer layer) {
        return new Content() {
            @Override
            public InputStream open() throws IOException {
                return layer.openCompressed();
            }

            @Override
            public String location() {
                return layer.content().location() + " (compressed)";
            }
        };
    }

    /** What names a layer at its source: its diff ID where hoist compresses it, its digest where it is a stored blob. */
    static Digest sourceDigest(Layer layer) {
        return layer instanceof CompressedLayer compressed ? compressed.diffId() : ((Blob) layer).digest();
    }
}
