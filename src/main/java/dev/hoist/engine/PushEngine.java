package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Artifact;
import dev.hoist.image.Blob;
import dev.hoist.image.BlobVerificationException;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Content;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.GzipInputStream;
import dev.hoist.image.Image;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.ImageRef;
import dev.hoist.image.Layer;
import dev.hoist.registry.RegistryClient;
import dev.hoist.registry.TransferListener;
import dev.hoist.registry.UploadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs push plans. Blobs of all images share one bounded pool; a blob several images need in one
 * repository goes up once while the others wait for it, and one already elsewhere on the registry
 * is mounted. Manifests go last, an index after its children, so a failed image leaves no tag.
 */
public final class PushEngine {

    private static final Logger log = LoggerFactory.getLogger(PushEngine.class);
    private static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;

    private final Registries registries;
    private final BlobInfoCache blobInfo;

    public PushEngine(Registries registries, BlobInfoCache blobInfo) {
        this.registries = registries;
        this.blobInfo = blobInfo;
    }

    public PushResult run(PushPlan plan, List<PushListener> listeners, CancelToken cancel) {
        var bus = new EventBus(listeners);
        registries.onRetry((attempt, delay, reason) -> bus.publish(new PushEvent.Retrying(attempt, delay, reason)));
        var blobPool = Executors.newFixedThreadPool(plan.concurrency(), daemon("hoist-blob-"));
        var imagePool = Executors.newFixedThreadPool(Math.max(1, Math.min(plan.items().size(), plan.concurrency())), daemon("hoist-image-"));
        var started = Instant.now();
        try {
            bus.publish(new PushEvent.PlanStarted(plan.items().size(), plan.concurrency()));
            plan.items().forEach(item -> bus.publish(new PushEvent.ImageQueued(item.source(), item.target())));
            var run = new Run(plan, bus, blobPool, cancel);
            var futures = plan.items().stream()
                    .map(item -> CompletableFuture.supplyAsync(() -> run.push(item), imagePool))
                    .toList();
            var results = futures.stream().map(CompletableFuture::join).toList();
            var result = new PushResult(started, Instant.now(), results, cancel.isCancelled());
            bus.publish(new PushEvent.PlanDone(result));
            return result;
        } finally {
            blobPool.shutdownNow();
            imagePool.shutdownNow();
            registries.onRetry(null);
            bus.close();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        var n = new AtomicInteger();
        return r -> {
            var t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Counters for one image. */
    private static final class Tally {
        final AtomicInteger uploaded = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        final AtomicInteger mounted = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
    }

    private record Pushed(Digest digest, String mediaType, boolean upToDate) {
    }

    /** The state of one run: blobs in flight and where blobs are known to be. */
    private final class Run {
        private final PushPlan plan;
        private final EventBus bus;
        private final ExecutorService blobPool;
        private final CancelToken cancel;
        private final AtomicBoolean failed = new AtomicBoolean();
        private final Map<String, CompletableFuture<Descriptor>> inFlight = new ConcurrentHashMap<>();
        private final Map<String, String> repositoryHolding = new ConcurrentHashMap<>();

        Run(PushPlan plan, EventBus bus, ExecutorService blobPool, CancelToken cancel) {
            this.plan = plan;
            this.bus = bus;
            this.blobPool = blobPool;
            this.cancel = cancel;
        }

        ImageResult push(PushItem item) {
            var start = System.nanoTime();
            var tally = new Tally();
            try {
                if (plan.failFast() && failed.get()) {
                    throw new HoistException("not pushed: an earlier image failed (--fail-fast)", HoistException.Kind.REMOTE);
                }
                cancel.check();
                var client = registries.client(item.target().registry());
                var pushed = pushArtifact(client, item.target(), item.artifact(), item.target().reference(), tally);
                var result = result(item, pushed, tally, start, null, null);
                bus.publish(new PushEvent.ImageDone(result));
                return result;
            } catch (RuntimeException e) {
                failed.set(true);
                var hoist = HoistException.find(e);
                var result = result(item, null, tally, start, message(e),
                        hoist != null ? hoist.kind() : HoistException.Kind.REMOTE);
                log.debug("{} failed", item.target(), e);
                bus.publish(new PushEvent.ImageFailed(result));
                return result;
            }
        }

        private ImageResult result(PushItem item, Pushed pushed, Tally tally, long start, String error,
                                   HoistException.Kind kind) {
            return new ImageResult(item.source(), item.target(), pushed == null ? null : pushed.digest,
                    pushed == null ? null : pushed.mediaType, pushed != null && pushed.upToDate,
                    tally.bytes.get(), tally.uploaded.get(), tally.skipped.get(), tally.mounted.get(),
                    Duration.ofNanos(System.nanoTime() - start), error, kind);
        }

        private Pushed pushArtifact(RegistryClient client, ImageRef target, Artifact artifact, String reference, Tally tally) {
            var pending = start(client, target, artifact, tally);
            return finish(client, target, pending, reference);
        }

        /** What is under way for one artifact: its blobs (and its children's) started, manifests not yet. */
        private record Pending(Artifact artifact, List<CompletableFuture<Descriptor>> layers,
                               CompletableFuture<Descriptor> config, List<Pending> children, Digest existing) {
        }

        private Pending start(RegistryClient client, ImageRef target, Artifact artifact, Tally tally) {
            if (artifact instanceof ImageIndex index) {
                var children = index.children().stream().map(child -> start(client, target, child, tally)).toList();
                return new Pending(artifact, List.of(), null, children, null);
            }
            var image = (Image) artifact;
            var config = blob(client, target, image.config(), tally);
            var layers = image.layers().stream().map(layer -> blob(client, target, layer, tally)).toList();
            return new Pending(artifact, layers, config, List.of(), null);
        }

        private Pushed finish(RegistryClient client, ImageRef target, Pending pending, String reference) {
            var repository = target.repository();
            if (pending.artifact instanceof ImageIndex index) {
                for (var child : pending.children) {
                    finish(client, target, child, null);
                }
                cancel.check();
                return putManifest(client, target, reference, index.index().raw(), index.index().mediaType(),
                        index.index().digest(), true);
            }
            var image = (Image) pending.artifact;
            join(pending.config);
            var descriptors = new ArrayList<Descriptor>();
            for (var f : pending.layers) {
                descriptors.add(join(f));
            }
            var manifest = image.manifest(descriptors);
            cancel.check();
            var ref = reference != null ? reference : manifest.digest().toString();
            return putManifest(client, target, ref, manifest.raw(), manifest.mediaType(), manifest.digest(), false);
        }

        private Pushed putManifest(RegistryClient client, ImageRef target, String reference, byte[] raw, String mediaType,
                                   Digest digest, boolean index) {
            var existing = client.manifestDigest(target.repository(), reference);
            if (existing.isPresent() && existing.get().equals(digest)) {
                return new Pushed(digest, mediaType, true);
            }
            var pushed = client.putManifest(target.repository(), reference, raw, mediaType);
            bus.publish(new PushEvent.ManifestPushed(reference.equals(digest.toString()) ? target.withDigest(digest)
                    : target.withTag(reference), pushed, mediaType, index));
            return new Pushed(pushed, mediaType, false);
        }

        private CompletableFuture<Descriptor> blob(RegistryClient client, ImageRef target, Layer layer, Tally tally) {
            var key = client.host() + "/" + target.repository() + "@" + sourceDigest(layer);
            var mine = new CompletableFuture<Descriptor>();
            var existing = inFlight.putIfAbsent(key, mine);
            if (existing != null) {
                return existing.thenApply(d -> {
                    tally.skipped.incrementAndGet();
                    bus.publish(new PushEvent.BlobSkipped(target, d.digest(), d.size(), "shared with another image"));
                    return d;
                });
            }
            blobPool.execute(() -> {
                try {
                    mine.complete(transfer(client, target, layer, tally));
                } catch (Throwable t) {
                    mine.completeExceptionally(t);
                }
            });
            return mine;
        }

        private Descriptor transfer(RegistryClient client, ImageRef target, Layer layer, Tally tally) {
            cancel.check();
            if (plan.failFast() && failed.get()) {
                throw new HoistException("not pushed: an earlier image failed (--fail-fast)", HoistException.Kind.REMOTE);
            }
            if (layer instanceof CompressedLayer compressed) {
                return transferCompressed(client, target, compressed, tally);
            }
            var blob = (Blob) layer;
            return transferBlob(client, target, blob, blob.digest(), false, tally);
        }

        private Descriptor transferBlob(RegistryClient client, ImageRef target, Blob blob, Digest sourceKey,
                                        boolean compressing, Tally tally) {
            var repository = target.repository();
            if (client.blobExists(repository, blob.digest())) {
                tally.skipped.incrementAndGet();
                bus.publish(new PushEvent.BlobSkipped(target, blob.digest(), blob.size(), "already in the registry"));
                holds(client, repository, blob.digest());
                return blob.descriptor();
            }
            var from = repositoryHolding.get(client.host() + "@" + blob.digest());
            if (from != null && from.equals(repository)) {
                from = null;
            }
            bus.publish(new PushEvent.BlobStarted(target, sourceKey, blob.size(), compressing));
            long t0 = System.nanoTime();
            UploadResult r = client.uploadBlob(repository, blob, from, progress(target, sourceKey, blob.size()));
            if (r.how() == UploadResult.How.MOUNTED) {
                tally.mounted.incrementAndGet();
                bus.publish(new PushEvent.BlobMounted(target, blob.digest(), blob.size(), from));
            } else {
                tally.uploaded.incrementAndGet();
                tally.bytes.addAndGet(r.bytesSent());
                bus.publish(new PushEvent.BlobDone(target, sourceKey, r.descriptor(), r.bytesSent(),
                        Duration.ofNanos(System.nanoTime() - t0)));
            }
            holds(client, repository, blob.digest());
            return blob.descriptor();
        }

        private Descriptor transferCompressed(RegistryClient client, ImageRef target, CompressedLayer layer, Tally tally) {
            var hint = blobInfo.compressed(layer.diffId());
            if (hint.isPresent()) {
                // A layer compressed before is a blob of known digest: HEAD, mount and verify work as usual.
                var known = new Blob(new Descriptor(layer.mediaType(), hint.get().digest(), hint.get().size()),
                        gzipOf(layer));
                try {
                    return transferBlob(client, target, known, layer.diffId(), true, tally);
                } catch (HoistException e) {
                    if (!(e.getCause() instanceof BlobVerificationException)) {
                        throw e;
                    }
                    log.debug("cached compressed digest for {} no longer matches; compressing afresh", layer.diffId());
                }
            }
            var repository = target.repository();
            bus.publish(new PushEvent.BlobStarted(target, layer.diffId(), layer.size(), true));
            long t0 = System.nanoTime();
            var r = client.uploadCompressed(repository, layer, progress(target, layer.diffId(), layer.size()));
            blobInfo.put(layer.diffId(), new BlobInfoCache.Entry(r.descriptor().digest(), r.descriptor().size()));
            tally.uploaded.incrementAndGet();
            tally.bytes.addAndGet(r.bytesSent());
            bus.publish(new PushEvent.BlobDone(target, layer.diffId(), r.descriptor(), r.bytesSent(),
                    Duration.ofNanos(System.nanoTime() - t0)));
            holds(client, repository, r.descriptor().digest());
            return r.descriptor();
        }

        private void holds(RegistryClient client, String repository, Digest digest) {
            repositoryHolding.putIfAbsent(client.host() + "@" + digest, repository);
        }

        /** Publishes progress at most every 100 ms per blob, and stops the transfer when cancelled. */
        private TransferListener progress(ImageRef target, Digest key, long size) {
            var last = new AtomicLong(System.nanoTime());
            return bytes -> {
                if (cancel.isCancelled()) {
                    throw new IOException(new HoistException("cancelled", HoistException.Kind.CANCELLED));
                }
                long now = System.nanoTime();
                long prev = last.get();
                if (now - prev >= PROGRESS_INTERVAL_NANOS && last.compareAndSet(prev, now)) {
                    bus.publish(new PushEvent.BlobProgress(target, key, bytes, size));
                }
            };
        }
    }

    private static Content gzipOf(CompressedLayer layer) {
        return new Content() {
            @Override
            public InputStream open() throws IOException {
                return new GzipInputStream(layer.open());
            }

            @Override
            public String location() {
                return layer.content().location() + " (compressed)";
            }
        };
    }

    private static Digest sourceDigest(Layer layer) {
        return layer instanceof CompressedLayer compressed ? compressed.diffId() : ((Blob) layer).digest();
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
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
