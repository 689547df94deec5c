package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Artifact;
import dev.hoist.image.Blob;
import dev.hoist.image.BlobVerificationException;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Content;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.Image;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.ImageRef;
import dev.hoist.image.Layer;
import dev.hoist.image.LayerCompression;
import dev.hoist.image.Staging;
import dev.hoist.image.StagingContent;
import dev.hoist.image.TransferListener;
import dev.hoist.registry.RegistryException;
import dev.hoist.registry.Retry;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs push plans: the one push path of hoist. Blobs of all images share one bounded pool. A blob
 * several images need in one repository goes up once while the others wait for it; one another
 * repository of the same registry got in this run is mounted from there. An image whose manifest
 * the target already has is "up to date" without touching its blobs. Manifests go last, an index
 * after its children, so a failed image leaves no tag. Everything leaves as {@link PushEvent}s.
 */
public final class PushEngine {

    private static final Logger log = LoggerFactory.getLogger(PushEngine.class);

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
                var run = new Run(plan, bus, scheduler);
                var futures = plan.items().stream()
                        .map(item -> scheduler.image(item.target(), () -> run.push(item)))
                        .toList();
                var results = run.writeLayouts(futures.stream().map(CompletableFuture::join).toList());
                run.stagings.forEach(Staging::finish);
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

    private record Pushed(Digest digest, String mediaType, boolean upToDate) {
    }

    /** The first repository of a store (registry) that holds a blob in this run, and the blob's descriptor there. */
    private record Holder(String repository, Descriptor descriptor) {
    }

    /** What is under way for one artifact: its blobs (and its children's) started, manifests not yet. */
    private record Pending(Artifact artifact, List<CompletableFuture<Descriptor>> layers,
                           CompletableFuture<Descriptor> config, List<Pending> children) {
    }

    /** The state of one run: blobs in flight and where blobs are known to be. */
    private final class Run {
        private final PushPlan plan;
        private final EventBus bus;
        private final Scheduler scheduler;
        private final AtomicBoolean failed = new AtomicBoolean();
        private final Map<String, CompletableFuture<Descriptor>> inRepository = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<Holder>> inStore = new ConcurrentHashMap<>();
        final java.util.Set<Staging> stagings = ConcurrentHashMap.newKeySet();
        /** Layers a source uploads while streaming, by store and diff ID once the source has read them through. */
        private final Map<String, StreamedLayer> streamed = new ConcurrentHashMap<>();
        /** The layouts this run put manifests into, by store key: their index.json is written at the run's end. */
        private final Map<String, LayoutDestination> layouts = new ConcurrentHashMap<>();
        /** Each store's first check, by store key: one image asks, the others of that store wait for its answer. */
        private final Map<String, CompletableFuture<Void>> reached = new ConcurrentHashMap<>();
        /**
         * The image a streamed layer counts for, by store and diff ID: the first whose push asked the
         * source for it. The report's figures and the events both follow it.
         */
        private final Map<String, ImageRef> countsFor = new ConcurrentHashMap<>();

        Run(PushPlan plan, EventBus bus, Scheduler scheduler) {
            this.plan = plan;
            this.bus = bus;
            this.scheduler = scheduler;
        }

        ImageResult push(PushItem item) {
            var start = System.nanoTime();
            var tally = new Tally();
            try {
                if (plan.failFast() && failed.get()) {
                    throw new HoistException("not pushed: an earlier image failed (--fail-fast)", HoistException.Kind.REMOTE);
                }
                scheduler.cancel().check();
                var dest = registries.destination(item.target());
                reach(dest);
                if (dest instanceof LayoutDestination layout) {
                    layouts.putIfAbsent(layout.storeKey(), layout);
                }
                var reference = item.target().reference();
                var tag = item.target().tag();
                if (tag != null && (plan.keepsExisting(tag) || plan.onExisting() == PushPlan.OnExisting.FAIL)) {
                    // One HEAD decides: a kept tag is done whatever it names, no manifest is read or built.
                    scheduler.awaitRunning();
                    var present = dest.manifestDigest(reference);
                    if (present.isPresent()) {
                        if (!plan.keepsExisting(tag)) {
                            throw new HoistException("the tag exists already (onExisting 'fail'): " + present.get(),
                                    HoistException.Kind.REMOTE);
                        }
                        var result = result(item, new Pushed(present.get(), mediaType(item.artifact()), true), tally, start, null);
                        bus.publish(new PushEvent.ImageDone(result));
                        return result;
                    }
                }
                var recipe = recipe(item.artifact(), dest, plan.compression());
                var known = knownDigest(item.artifact()).or(() -> recipe.flatMap(blobInfo::manifest));
                if (known.isPresent() && plan.onExisting() != PushPlan.OnExisting.ALWAYS) {
                    scheduler.awaitRunning();
                    var existing = dest.manifestDigest(reference);
                    if (existing.isPresent() && existing.get().equals(known.get())) {
                        pushReferrers(dest, item.target(), item.artifact(), tally);
                        var result = result(item, new Pushed(known.get(), mediaType(item.artifact()), true), tally, start, null);
                        bus.publish(new PushEvent.ImageDone(result));
                        return result;
                    }
                }
                var pending = start(dest, item.target(), item.artifact(), tally);
                // The tag was just compared with the manifest: no second HEAD before the PUT.
                var pushed = finish(dest, item.target(), pending, reference, known.isPresent());
                pushReferrers(dest, item.target(), item.artifact(), tally);
                if (pushed.digest != null && !plan.dryRun()) {
                    recipe.ifPresent(r -> blobInfo.putManifest(r, pushed.digest));
                }
                var result = result(item, pushed, tally, start, null);
                bus.publish(new PushEvent.ImageDone(result));
                return result;
            } catch (RuntimeException e) {
                failed.set(true);
                var hoist = HoistException.find(e);
                var result = result(item, null, tally, start, hoist != null ? hoist : new HoistException(message(e),
                        HoistException.Kind.REMOTE, e));
                log.debug("{} failed", item.target(), e);
                bus.publish(new PushEvent.ImageFailed(result));
                return result;
            }
        }

        /**
         * A registry that cannot be used at all (nothing listens, the host does not resolve, its
         * certificate is not trusted) is asked once per run: every image to it fails with that one
         * failure, which the report then tells once, instead of each image trying again on its own.
         */
        private void reach(Destination dest) {
            var mine = new CompletableFuture<Void>();
            var first = reached.putIfAbsent(dest.storeKey(), mine);
            if (first != null) {
                join(first);
                return;
            }
            try {
                scheduler.awaitRunning();
                dest.reach();
                mine.complete(null);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }

        /**
         * Writes the index.json of each layout this run pushed into, once. An image whose tag could
         * not be written there is not pushed after all: its result and an event say why.
         */
        List<ImageResult> writeLayouts(List<ImageResult> results) {
            var out = new ArrayList<>(results);
            layouts.values().forEach(layout -> {
                try {
                    layout.writeIndex();
                } catch (HoistException e) {
                    for (int i = 0; i < out.size(); i++) {
                        var r = out.get(i);
                        if (r.ok() && !r.upToDate() && r.digest() != null
                                && registries.destination(r.target()).storeKey().equals(layout.storeKey())) {
                            var failed = new ImageResult(r.source(), r.target(), null, null, false, r.bytesRead(),
                                    r.bytesSent(), r.blobsUploaded(), r.blobsSkipped(), r.blobsMounted(), r.duration(),
                                    e.getMessage(), e.kind());
                            out.set(i, failed);
                            bus.publish(new PushEvent.ImageFailed(failed));
                        }
                    }
                }
            });
            return out;
        }

        private ImageResult result(PushItem item, Pushed pushed, Tally tally, long start, HoistException error) {
            return new ImageResult(item.source(), item.target(), pushed == null ? null : pushed.digest,
                    pushed == null ? null : pushed.mediaType, pushed != null && pushed.upToDate,
                    tally.read.get(), tally.sent.get(), tally.uploaded.get(), tally.skipped.get(), tally.mounted.get(),
                    Duration.ofNanos(System.nanoTime() - start),
                    error == null ? null : error.getMessage(), error == null ? null : error.kind());
        }

        private Pending start(Destination dest, ImageRef target, Artifact artifact, Tally tally) {
            if (artifact instanceof ImageIndex index) {
                var children = index.children().stream().map(child -> start(dest, target, child, tally)).toList();
                return new Pending(artifact, List.of(), null, children);
            }
            var image = (Image) artifact;
            // Layers first: an image streamed from an export knows its config only once the export has passed it.
            var layers = image.layers().stream().map(layer -> blob(dest, target, layer, tally)).toList();
            var config = blob(dest, target, image.config(), tally);
            return new Pending(artifact, layers, config, List.of());
        }

        /** Waits for an artifact's blobs, then writes its manifest (children before an index). */
        private Pushed finish(Destination dest, ImageRef target, Pending pending, String reference, boolean checked) {
            if (pending.artifact instanceof ImageIndex index) {
                for (var child : pending.children) {
                    finish(dest, target, child, null, false);
                }
                var ref = reference != null ? reference : index.index().digest().toString();
                return putManifest(dest, target, ref, index.index().raw(), index.index().mediaType(),
                        index.index().digest(), true, checked);
            }
            var image = (Image) pending.artifact;
            var config = join(pending.config);
            var descriptors = new ArrayList<Descriptor>();
            for (var f : pending.layers) {
                descriptors.add(join(f));
            }
            if (descriptors.contains(null)) {
                // A dry run: compressed digests, and so the manifest, are only learned by compressing.
                return new Pushed(null, null, false);
            }
            image.storedManifest().ifPresent(m -> checkReceived(m, config, descriptors));
            var manifest = image.manifest(descriptors, dest instanceof LayoutDestination);
            var ref = reference != null ? reference : manifest.digest().toString();
            try {
                // A manifest predicted from the blob-info cache was compared already; a built one may differ from it.
                return putManifest(dest, target, ref, manifest.raw(), manifest.mediaType(), manifest.digest(), false,
                        checked && image.storedManifest().isPresent());
            } catch (HoistException e) {
                var foreign = manifest.layers().stream().filter(Descriptor::isNondistributable).findFirst();
                if (foreign.isEmpty() || plan.allowNondistributable() || e.kind() == HoistException.Kind.CANCELLED) {
                    throw e;
                }
                throw new HoistException(e.getMessage() + " (it names foreign layer " + foreign.get().digest()
                        + ", which hoist does not upload: the registry must accept manifests with foreign layers,"
                        + " e.g. distribution's validation.manifests.urls.allow, or push it with --allow-nondistributable-artifacts)",
                        e.kind(), e);
            }
        }

        /**
         * Pushes the referrers an artifact (and each child of an index) has in its source, after it
         * and by digest, then makes them findable from their subject where the target does not do it
         * itself (the referrers tag schema of a registry without the referrers API).
         */
        private void pushReferrers(Destination dest, ImageRef target, Artifact artifact, Tally tally) {
            if (!plan.referrers()) {
                return;
            }
            if (artifact instanceof ImageIndex index) {
                index.children().forEach(child -> pushReferrers(dest, target, child, tally));
            }
            var subject = knownDigest(artifact);
            if (artifact.referrers().isEmpty() || subject.isEmpty()) {
                return;
            }
            var descriptors = new ArrayList<Descriptor>();
            for (var referrer : artifact.referrers()) {
                finish(dest, target, start(dest, target, referrer, tally), null, false);
                descriptors.add(referrerDescriptor(referrer));
                pushReferrers(dest, target, referrer, tally);
            }
            if (!plan.dryRun()) {
                scheduler.awaitRunning();
                if (dest.putReferrers(subject.get(), descriptors)) {
                    log.debug("{}: referrers of {} listed under {}", target, subject.get(), dev.hoist.image.Referrers.fallbackTag(subject.get()));
                }
            }
        }

        /** A stored manifest names exactly the blobs this run got into the target for it, or it is not written. */
        private void checkReceived(dev.hoist.image.Manifest manifest, Descriptor config, List<Descriptor> layers) {
            var named = new ArrayList<Descriptor>();
            named.add(manifest.config());
            named.addAll(manifest.layers());
            var received = new ArrayList<Descriptor>();
            received.add(config);
            received.addAll(layers);
            for (int i = 0; i < named.size(); i++) {
                var got = received.get(i);
                if (got == null || !got.digest().equals(named.get(i).digest())) {
                    throw new HoistException("manifest " + manifest.digest() + " names blob " + named.get(i).digest()
                            + " but " + (got == null ? "nothing" : got.digest()) + " went up for it; manifest not written",
                            HoistException.Kind.REMOTE);
                }
            }
        }

        private Pushed putManifest(Destination dest, ImageRef target, String reference, byte[] raw, String mediaType,
                                   Digest digest, boolean index, boolean checked) {
            scheduler.cancel().check();
            scheduler.awaitRunning();
            if (!checked && plan.onExisting() != PushPlan.OnExisting.ALWAYS) {
                var existing = dest.manifestDigest(reference);
                if (existing.isPresent() && existing.get().equals(digest)) {
                    return new Pushed(digest, mediaType, true);
                }
            }
            if (plan.dryRun()) {
                return new Pushed(digest, mediaType, false);
            }
            scheduler.awaitRunning();
            var pushed = dest.putManifest(reference, raw, mediaType);
            var shown = Digest.isDigest(reference) ? new ImageRef(target.registry(), target.repository(), null, pushed)
                    : new ImageRef(target.registry(), target.repository(), reference, pushed);
            bus.publish(new PushEvent.ManifestPushed(shown, pushed, mediaType, index));
            return new Pushed(pushed, mediaType, false);
        }

        private CompletableFuture<Descriptor> blob(Destination dest, ImageRef target, Layer layer, Tally tally) {
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
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                return null;
            }
        }

        /**
         * Publishes progress at most every 100 ms per blob, holds the transfer to the job's bandwidth
         * limit, and stops it when cancelled.
         */
        private TransferListener progress(ImageRef target, Digest key, long size) {
            return progress(bytes -> bus.publish(new PushEvent.BlobProgress(target, key, bytes, size)));
        }

        private TransferListener progress(java.util.function.LongConsumer tell) {
            return scheduler.paced(tell);
        }
    }

    private static Optional<Digest> knownDigest(Artifact artifact) {
        if (artifact instanceof ImageIndex index) {
            return Optional.of(index.index().digest());
        }
        return ((Image) artifact).storedManifest().map(m -> m.digest());
    }

    /**
     * What decides the manifest of an image whose layers hoist compresses: config, layers by source
     * digest and media type, manifest format and compression scheme. Empty for stored manifests.
     */
    private static Optional<String> recipe(Artifact artifact, Destination dest, LayerCompression compression) {
        if (!(artifact instanceof Image image) || image.storedManifest().isPresent()
                || image.layers().stream().noneMatch(l -> l instanceof CompressedLayer)) {
            return Optional.empty();
        }
        var s = new StringBuilder("image ").append(image.id())
                .append(dest instanceof LayoutDestination ? " oci" : " docker")
                .append(' ').append(compression.scheme());
        image.layers().forEach(l -> s.append(' ').append(sourceDigest(l)).append(' ')
                .append(l instanceof CompressedLayer c ? compression.mediaType(c.mediaType()) : ((Blob) l).descriptor().mediaType()));
        return Optional.of(s.toString());
    }

    /** A referrer as its subject's referrers list names it. */
    private static Descriptor referrerDescriptor(Artifact referrer) {
        if (referrer instanceof ImageIndex index) {
            return dev.hoist.image.Referrers.descriptor(index.index().raw(), index.index().mediaType(), referrer.name());
        }
        var manifest = ((Image) referrer).storedManifest().orElseThrow();
        return dev.hoist.image.Referrers.descriptor(manifest.raw(), manifest.mediaType(), referrer.name());
    }

    private static String mediaType(Artifact artifact) {
        if (artifact instanceof ImageIndex index) {
            return index.index().mediaType();
        }
        return ((Image) artifact).storedManifest().map(m -> m.mediaType()).orElse(null);
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
