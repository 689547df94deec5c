package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Artifact;
import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.Image;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.ImageRef;
import dev.hoist.image.LayerCompression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The order one run writes each image in: the tag checked first (kept, up to date, or not to be
 * overwritten), the blobs started, manifests last (children before their index, so a failed image
 * leaves no tag), referrers after their subject, an image into a layout told pushed once index.json names it. Blobs are
 * {@link BlobTransfer}'s; apart from it, so what makes an image pushed reads in one place.
 */
final class ImagePush {

    /** The engine's logger: debug lines keep the name they had before the engine was split. */
    private static final Logger log = LoggerFactory.getLogger(PushEngine.class);

    private record Pushed(Digest digest, String mediaType, boolean upToDate) {
    }

    /** What is under way for one artifact: its blobs (and its children's) started, manifests not yet. */
    private record Pending(Artifact artifact, List<CompletableFuture<Descriptor>> layers,
                           CompletableFuture<Descriptor> config, List<Pending> children) {
    }

    private final Registries registries;
    private final PushPlan plan;
    private final EventBus bus;
    private final Scheduler scheduler;
    private final BlobTransfer blobs;
    private final BlobInfoCache blobInfo;
    private final AtomicBoolean failed = new AtomicBoolean();
    /** The layouts this run put manifests into, by store key: their index.json is written at the run's end. */
    private final Map<String, LayoutDestination> layouts = new ConcurrentHashMap<>();
    /** Each store's first check, by store key: one image asks, the others of that store wait for its answer. */
    private final Map<String, CompletableFuture<Void>> reached = new ConcurrentHashMap<>();
    /** Results told pushed by push() whose layout entries could not be written, and what they are instead (by identity). */
    private final Map<ImageResult, ImageResult> unwritten = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    ImagePush(Registries registries, PushPlan plan, EventBus bus, Scheduler scheduler, BlobTransfer blobs,
              BlobInfoCache blobInfo) {
        this.registries = registries;
        this.plan = plan;
        this.bus = bus;
        this.scheduler = scheduler;
        this.blobs = blobs;
        this.blobInfo = blobInfo;
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
                    done(dest, result);
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
                    done(dest, result);
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
            done(dest, result);
            return result;
        } catch (RuntimeException e) {
            failed.set(true);
            var hoist = HoistException.find(e);
            var result = result(item, null, tally, start, hoist != null ? hoist : new HoistException(PushEngine.message(e),
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
        } catch (Throwable e) {
            // Whatever ends the check (an Error too) must reach the images waiting on it, or they wait for ever.
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Tells an image pushed. Into a layout, only once index.json holds its entries: a run stopped any
     * way (Ctrl-C, kill) has every image it reported pushed in the layout. When that write fails,
     * the image is told failed instead, and {@link #writeLayouts} reports it so.
     */
    private void done(Destination dest, ImageResult result) {
        if (!(dest instanceof LayoutDestination layout)) {
            bus.publish(new PushEvent.ImageDone(result));
            return;
        }
        layout.whenIndexed(() -> bus.publish(new PushEvent.ImageDone(result)), e -> {
            failed.set(true);
            var failure = new ImageResult(result.source(), result.target(), null, null, false, result.bytesRead(),
                    result.bytesSent(), result.blobsUploaded(), result.blobsSkipped(), result.blobsMounted(),
                    result.duration(), e.getMessage(), e.kind());
            unwritten.put(result, failure);
            bus.publish(new PushEvent.ImageFailed(failure));
        });
    }

    /**
     * Writes what is left of the index.json of each layout this run pushed into. An image whose
     * entries could not be written there is not pushed after all: its result (and its event) say why.
     */
    List<ImageResult> writeLayouts(List<ImageResult> results) {
        layouts.values().forEach(LayoutDestination::writeIndex);
        return results.stream().map(r -> unwritten.getOrDefault(r, r)).toList();
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
        var layers = image.layers().stream().map(layer -> blobs.blob(dest, target, layer, tally)).toList();
        var config = blobs.blob(dest, target, image.config(), tally);
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
        image.layers().forEach(l -> s.append(' ').append(BlobTransfer.sourceDigest(l)).append(' ')
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
}
