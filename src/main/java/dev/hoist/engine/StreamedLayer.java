package dev.hoist.engine;

import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;
import dev.hoist.registry.UploadResult;

import java.time.Duration;

/**
 * A layer a source uploads while it is still reading it (a daemon export), and the image it counts
 * for. Its events wait until both are known: its diff ID (the legacy docker-save format names layers
 * by v1 IDs, so the diff ID is learned only when the last byte has streamed by) and the image that
 * counts it (the first of the run to ask the source for it). Every event thus names the layer by its
 * true key and under the image whose figures hold it, as the report does; the bytes that moved
 * before are told in one progress event right after the start.
 */
final class StreamedLayer {

    private final EventBus bus;
    private final long size;
    private final long startedNanos = System.nanoTime();
    private Digest diffId;
    private ImageRef countedFor;
    private boolean started;
    private long bytes;
    private UploadResult uploaded;

    StreamedLayer(EventBus bus, long size) {
        this.bus = bus;
        this.size = size;
    }

    /** The source has read the layer through: its diff ID is known. */
    synchronized void learned(Digest value) {
        diffId = value;
        announce();
    }

    /** The image whose figures hold this layer; the first call wins. */
    synchronized void countsFor(ImageRef target) {
        if (countedFor == null) {
            countedFor = target;
            announce();
        }
    }

    synchronized ImageRef countedFor() {
        return countedFor;
    }

    /** Null until the source has read the layer through. */
    synchronized Digest diffId() {
        return diffId;
    }

    /** Bytes read so far (a throttled transfer listener calls it); told once the layer's key and image are known. */
    synchronized void progressed(long value) {
        bytes = value;
        if (started) {
            bus.publish(new PushEvent.BlobProgress(countedFor, diffId, bytes, size));
        }
    }

    synchronized void uploaded(UploadResult result) {
        uploaded = result;
    }

    synchronized UploadResult result() {
        return uploaded;
    }

    /**
     * The layer is in the image's repository: the one event that counts it, with what reading and
     * sending it took ({@code extraRead}/{@code extraSent}: a mount the registry refused, sent again).
     */
    synchronized void done(Descriptor descriptor, long extraRead, long extraSent) {
        announce();
        bus.publish(new PushEvent.BlobDone(countedFor, diffId, descriptor, uploaded.bytesRead() + extraRead,
                uploaded.bytesSent() + extraSent, Duration.ofNanos(System.nanoTime() - startedNanos)));
    }

    private void announce() {
        if (started || diffId == null || countedFor == null) {
            return;
        }
        started = true;
        bus.publish(new PushEvent.BlobStarted(countedFor, diffId, size, true, 0));
        if (bytes > 0) {
            bus.publish(new PushEvent.BlobProgress(countedFor, diffId, bytes, size));
        }
    }
}
