package dev.hoist.source;

import dev.hoist.HoistException;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.Content;
import dev.hoist.image.Digest;
import dev.hoist.image.MediaTypes;
import dev.hoist.image.Staging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * One {@code docker save} of several images, read by a thread of its own into a spool file. Each
 * member is hashed as it streams by, so a layer is known by its diff ID (and a config by the image
 * ID) the moment its last byte is written. When the engine has attached an uploader, every layer
 * is also compressed and uploaded while it streams (reading the spool just behind the writer), so
 * the push overlaps the export; otherwise the engine reads layers from the spool once they are
 * complete. Memory stays bounded; the file is removed when the command that made it ends, or the background job it handed it to ({@link Spool.Scope}).
 */
final class DaemonExport implements Staging {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DaemonExport.class);

    /** Where a member's bytes sit in the spool file. */
    private record Region(long offset, long size) {
    }

    private static final int STAGING_AT_ONCE = 4;
    private static final long SMALL = 1 << 20;

    private final String what;
    private final Supplier<InputStream> export;
    private final Path file;
    private final Map<Digest, CompletableFuture<Region>> members = new ConcurrentHashMap<>();
    private final Map<Digest, CompletableFuture<Optional<Staged>>> staged = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Semaphore stagingSlots = new Semaphore(STAGING_AT_ONCE);
    private final Object progress = new Object();
    /** Layers the engine asked for: only these are pushed while the export streams. */
    private final java.util.Set<Digest> wanted = ConcurrentHashMap.newKeySet();
    private volatile long written;
    private volatile boolean started;
    private volatile String stagingStore;
    private volatile String stagingRepository;
    private volatile Uploader uploader;
    private ExecutorService stagers;

    DaemonExport(String what, Supplier<InputStream> export) {
        this.what = what;
        this.export = export;
        this.file = Spool.create(what);
    }

    /** Starts reading the export, once. */
    synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        stagers = Executors.newFixedThreadPool(STAGING_AT_ONCE, r -> {
            var t = new Thread(r, "hoist-export-push");
            t.setDaemon(true);
            return t;
        });
        var thread = new Thread(this::read, "hoist-export");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void attach(String storeKey, String repository, Uploader value) {
        // Layers that begin streaming after this are pushed as they stream; earlier ones from the spool.
        if (stagingStore == null) {
            stagingStore = storeKey;
            stagingRepository = repository;
            uploader = value;
        }
        start();
    }

    @Override
    public Optional<Staged> staged(Digest diffId, String storeKey) {
        wanted.add(diffId);
        await(diffId);
        var future = staged.get(diffId);
        if (future == null || !storeKey.equals(stagingStore)) {
            return Optional.empty();
        }
        return future.join();
    }

    private CompletableFuture<Region> member(Digest digest) {
        return members.computeIfAbsent(digest, d -> new CompletableFuture<>());
    }

    private void read() {
        long t0 = System.nanoTime();
        CompletableFuture<Digest> learning = null;
        try (var in = export.get(); var out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            var tar = new TarStream(in, what);
            var buffer = new byte[256 * 1024];
            for (var entry = tar.next(); entry != null; entry = tar.next()) {
                if (!entry.isFile()) {
                    continue;
                }
                long offset = out.position();
                learning = new CompletableFuture<>();
                var stagedHere = stage(entry, offset, learning);
                var md = Digest.newSha256();
                var data = tar.data();
                for (int n; (n = data.read(buffer)) > 0; ) {
                    md.update(buffer, 0, n);
                    var bb = ByteBuffer.wrap(buffer, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    synchronized (progress) {
                        written = out.position();
                        progress.notifyAll();
                    }
                }
                var digest = Digest.of(md);
                // Before the member is settled: whoever waits for it finds the layer told by its diff ID.
                learning.complete(digest);
                if (stagedHere != null) {
                    staged.putIfAbsent(digest, stagedHere);
                }
                member(digest).complete(new Region(offset, entry.size()));
            }
            done.complete(null);
            log.debug("{}: export of {} bytes read in {} ms", what, written, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException | Error e) {
            var failure = e instanceof HoistException h ? h
                    : new HoistException(what + ": the export failed: " + e.getMessage(), HoistException.Kind.INPUT, e);
            done.completeExceptionally(failure);
            if (learning != null) {
                learning.completeExceptionally(failure);
            }
            members.values().forEach(f -> f.completeExceptionally(failure));
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
            stagers.shutdown();
        }
        var missing = new HoistException(what + ": not in the export", HoistException.Kind.INPUT);
        members.values().forEach(f -> f.completeExceptionally(missing));
    }

    /**
     * Starts uploading a layer member while it streams in, when an uploader is attached; {@code diffId}
     * completes when the member has been read through.
     */
    private CompletableFuture<Optional<Staged>> stage(TarStream.Entry entry, long offset, CompletableFuture<Digest> diffId) {
        var up = uploader;
        if (up == null || !worthStaging(entry)) {
            return null;
        }
        var named = diffIdOf(entry);
        if (named != null) {
            diffId.complete(named);
        }
        var growing = new Growing(offset, entry.size(), what + ": " + entry.name());
        stagingSlots.acquireUninterruptibly();
        return CompletableFuture.supplyAsync(() -> {
            try {
                var descriptor = up.upload(new CompressedLayer(named, entry.size(), growing, MediaTypes.DOCKER_LAYER_GZIP), diffId);
                return Optional.of(new Staged(stagingRepository, descriptor));
            } catch (RuntimeException e) {
                // The engine reads the layer from the spool instead, with its own retries.
                return Optional.<Staged>empty();
            } finally {
                stagingSlots.release();
            }
        }, stagers);
    }

    /** The diff ID a member's name gives (Docker 25+ names layers by it), or null (the legacy format's v1 IDs). */
    private static Digest diffIdOf(TarStream.Entry entry) {
        var name = entry.name();
        return name.matches("blobs/sha256/[a-f0-9]{64}") ? new Digest("sha256", name.substring("blobs/sha256/".length())) : null;
    }

    /**
     * Whether to push a member while it streams. Docker 25+ names layers by diff ID, so only wanted
     * ones are; the legacy format names them by v1 ID, so a layer is pushed while any wanted layer
     * is still to come (a layer the registry already has may then go up again, at worst).
     */
    private boolean worthStaging(TarStream.Entry entry) {
        var name = entry.name();
        if (name.matches("blobs/sha256/[a-f0-9]{64}")) {
            return entry.size() > SMALL && wanted.contains(new Digest("sha256", name.substring("blobs/sha256/".length())));
        }
        if (!name.endsWith("/layer.tar")) {
            return false;
        }
        return wanted.stream().anyMatch(d -> {
            var member = members.get(d);
            return member == null || !member.isDone();
        });
    }

    @Override
    public void finish() {
        ExecutorService running;
        synchronized (this) {
            running = stagers;
        }
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            running.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for a member, by the digest of its content (a layer's diff ID, a config's image ID). */
    private Region await(Digest digest) {
        start();
        try {
            var future = member(digest);
            // The reader may have finished (and settled every member it knew) just before this one was asked for.
            if (done.isDone() && !future.isDone()) {
                future.completeExceptionally(new HoistException(digest + " is not in the export", HoistException.Kind.INPUT));
            }
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof HoistException h) {
                throw new HoistException(what + ": " + digest + ": " + h.getMessage(), h.kind(), h);
            }
            throw e;
        }
    }

    /** A member's bytes, by the digest of its content, once the export has passed it. */
    Content content(Digest digest) {
        return new Content() {
            @Override
            public InputStream open() throws IOException {
                var region = await(digest);
                var channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(region.offset);
                return new TarFormat.BoundedInputStream(Channels.newInputStream(channel), region.size);
            }

            @Override
            public String location() {
                return what + " " + digest;
            }
        };
    }

    /** A small member (a config) read whole. */
    byte[] read(Digest digest) {
        var region = await(digest);
        try (var in = content(digest).open()) {
            return in.readNBytes((int) region.size);
        } catch (IOException e) {
            throw new HoistException(what + ": cannot read " + digest + " from the spool: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }

    /** A member still being written: reads follow the writer, waiting for bytes it has not written yet. */
    private final class Growing implements Content {
        private final long offset;
        private final long size;
        private final String location;

        Growing(long offset, long size, String location) {
            this.offset = offset;
            this.size = size;
            this.location = location;
        }

        @Override
        public InputStream open() throws IOException {
            var channel = FileChannel.open(file, StandardOpenOption.READ);
            return new InputStream() {
                private long position;

                @Override
                public int read() throws IOException {
                    return dev.hoist.image.Streams.readOne(this);
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (position >= size) {
                        return -1;
                    }
                    long available = waitFor(offset + position + 1) - (offset + position);
                    int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, Math.min(available, size - position))),
                            offset + position);
                    if (n > 0) {
                        position += n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        }

        /** Blocks until the spool holds at least {@code end} bytes; returns how many it holds. */
        private long waitFor(long end) throws IOException {
            synchronized (progress) {
                while (written < end) {
                    if (done.isDone()) {
                        throw new IOException(location + ": the export ended early");
                    }
                    try {
                        progress.wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                }
                return written;
            }
        }

        @Override
        public String location() {
            return location;
        }
    }
}
