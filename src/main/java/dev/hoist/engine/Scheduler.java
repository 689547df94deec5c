package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;
import dev.hoist.image.TransferListener;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Where one run's work happens and at what pace: the image threads, the blob workers (as many as
 * the job's live concurrency, resized when it changes), the gate (pause, worker slots, bandwidth)
 * and the cancel token. Kept apart from what is transferred so the pools' lifecycle reads in one
 * place. It is also the run's identity on a thread: retries are told to the run that made them.
 */
final class Scheduler implements AutoCloseable {

    private static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;

    /**
     * Whose request is under way on a thread: retries are told to the run, image and blob they belong to.
     * On a source's own upload thread (a daemon export's), the layer names them once it knows them.
     */
    record Context(Scheduler run, ImageRef target, Digest blob, int worker, StreamedLayer layer) {

        ImageRef whose() {
            var counted = layer == null ? null : layer.countedFor();
            return counted != null ? counted : target;
        }

        Digest which() {
            return layer == null ? blob : layer.diffId();
        }
    }

    private static final ThreadLocal<Context> context = new ThreadLocal<>();

    private final JobGate gate;
    private final CancelToken cancel;
    private final ThreadPoolExecutor blobPool;
    private final ExecutorService imagePool;

    Scheduler(PushPlan plan, JobGate gate, CancelToken cancel) {
        this.gate = gate;
        this.cancel = cancel;
        // A fixed pool whose size follows the job's concurrency as it is changed while running.
        blobPool = new ThreadPoolExecutor(gate.concurrency(), gate.concurrency(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("hoist-blob-"));
        gate.onResize(n -> resize(blobPool, n));
        // Image threads mostly wait for blobs: more of them than blob workers keep the blob pool full
        // while some images wait for a large shared layer. With --fail-fast, no more images under way
        // than blob workers, so a failure stops the rest before they start.
        int imageThreads = plan.failFast() ? plan.concurrency() : Math.max(32, 4 * plan.concurrency());
        imagePool = Executors.newFixedThreadPool(Math.max(1, Math.min(plan.items().size(), imageThreads)),
                daemon("hoist-image-"));
    }

    /** The context of this thread's request, when it works for some run. */
    static Context current() {
        return context.get();
    }

    /** Whether this thread works for this run, or for none (then every run hears of its retries). */
    boolean owns(Context c) {
        return c == null || c.run == this;
    }

    CancelToken cancel() {
        return cancel;
    }

    /** Pushes one image on an image thread, marked as working for it. */
    <T> CompletableFuture<T> image(ImageRef target, Supplier<T> work) {
        return CompletableFuture.supplyAsync(() -> within(target, null, 0, work), imagePool);
    }

    /** Transfers one blob on a blob worker once the gate gives it a slot, and settles {@code into} with it. */
    <T> void blob(ImageRef target, Digest blob, Supplier<T> work, CompletableFuture<T> into) {
        blobPool.execute(() -> {
            int worker = 0;
            try {
                // A worker slot: none is given while the job is paused or all its slots are busy.
                worker = gate.acquire();
                into.complete(within(target, blob, worker, work));
            } catch (Throwable t) {
                into.completeExceptionally(t);
            } finally {
                if (worker > 0) {
                    gate.release(worker);
                }
            }
        });
    }

    /** Runs work with this thread marked as working for this run, image and blob (for retries and events). */
    <T> T within(ImageRef target, Digest blob, int worker, Supplier<T> work) {
        return within(new Context(this, target, blob, worker, null), work);
    }

    <T> T within(Context c, Supplier<T> work) {
        var before = context.get();
        context.set(c);
        try {
            return work.get();
        } finally {
            context.set(before);
        }
    }

    /** The worker slot this thread holds for this run, 0 when none. */
    int worker() {
        var c = context.get();
        return c == null || c.run != this ? 0 : c.worker;
    }

    /** Waits while the job is paused. */
    void awaitRunning() {
        gate.awaitRunning();
    }

    /** Waits while the job is paused, then makes a request. */
    <T> T gated(Supplier<T> request) {
        gate.awaitRunning();
        return request.get();
    }

    /**
     * Tells progress at most every 100 ms per blob, holds the transfer to the job's bandwidth
     * limit, and stops it when cancelled. The limit holds the bytes on the wire: a layer compressed
     * on its way out tells what it sends apart ({@link TransferListener#sent}, 0 before it reads),
     * and then the source's bytes it reports only show progress.
     */
    TransferListener paced(LongConsumer tell) {
        var last = new AtomicLong(System.nanoTime());
        var counted = new AtomicLong();
        var sentSoFar = new AtomicLong();
        var compressed = new java.util.concurrent.atomic.AtomicBoolean();
        return new TransferListener() {
            @Override
            public void transferred(long bytes) throws IOException {
                // A count lower than the last is a new attempt, reading from the start.
                long before = counted.getAndSet(bytes);
                hold(compressed.get() ? 0 : bytes >= before ? bytes - before : bytes);
                long now = System.nanoTime();
                long prev = last.get();
                if (now - prev >= PROGRESS_INTERVAL_NANOS && last.compareAndSet(prev, now)) {
                    tell.accept(bytes);
                }
            }

            @Override
            public void sent(long bytes) throws IOException {
                compressed.set(true);
                long before = sentSoFar.getAndSet(bytes);
                hold(bytes >= before ? bytes - before : bytes);
            }
        };
    }

    /** Stops a cancelled transfer, else holds it to the limit for {@code bytes} more (0: only the check). */
    private void hold(long bytes) throws IOException {
        try {
            cancel.check();
            gate.throttle(bytes);
        } catch (HoistException e) {
            throw new IOException(e);
        }
    }

    /** Lets blobs still going up (a failed image's) end, so no event follows the plan's end. */
    void drain() {
        blobPool.shutdown();
        try {
            blobPool.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        gate.onResize(n -> { });
        blobPool.shutdownNow();
        imagePool.shutdownNow();
    }

    private static void resize(ThreadPoolExecutor pool, int n) {
        synchronized (pool) {
            // The core size may never exceed the maximum: grow the maximum first, shrink it last.
            if (n > pool.getMaximumPoolSize()) {
                pool.setMaximumPoolSize(n);
                pool.setCorePoolSize(n);
            } else {
                pool.setCorePoolSize(n);
                pool.setMaximumPoolSize(n);
            }
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
}
