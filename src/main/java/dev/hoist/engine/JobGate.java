package dev.hoist.engine;

import dev.hoist.HoistException;

import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * One job's brakes, turned while it runs: pause (no new blob transfer, no new request), how many
 * blob transfers at once (numbered worker slots), and a bandwidth limit shared by all transfers.
 * Waits poll the cancel token, so a cancelled job never stays stuck behind a pause.
 */
final class JobGate {

    private static final long POLL_MILLIS = 50;
    /**
     * Credit a limited job keeps when its transfers fall behind the limit (a thread woken late on a
     * busy machine, a request between blobs): small, so the limit holds over seconds, yet enough that
     * late wake-ups do not pull the rate below it.
     */
    private static final long BURST_NANOS = 200_000_000L;

    private final Object lock = new Object();
    private final BitSet busy = new BitSet();
    private final CancelToken cancel;
    private boolean paused;
    private int concurrency;
    private int busyCount;
    private IntConsumer onResize = n -> { };

    private final Object limiter = new Object();
    private volatile long rateLimit;
    private long nextFree;

    JobGate(int concurrency, long rateLimit, CancelToken cancel) {
        this.concurrency = concurrency;
        this.rateLimit = Math.max(0, rateLimit);
        this.cancel = cancel;
    }

    /** Called with the new concurrency when it changes: the engine resizes its pool of blob threads. */
    void onResize(IntConsumer onResize) {
        synchronized (lock) {
            this.onResize = onResize;
        }
    }

    /** Takes a free worker slot (1..concurrency), waiting while paused or while all are busy. */
    int acquire() {
        synchronized (lock) {
            while (paused || busyCount >= concurrency) {
                waitOnLock();
            }
            int slot = busy.nextClearBit(0);
            busy.set(slot);
            busyCount++;
            return slot + 1;
        }
    }

    void release(int worker) {
        synchronized (lock) {
            busy.clear(worker - 1);
            busyCount--;
            lock.notifyAll();
        }
    }

    /** Returns at once unless paused; then waits for resume (or cancel). */
    void awaitRunning() {
        synchronized (lock) {
            while (paused) {
                waitOnLock();
            }
        }
    }

    private void waitOnLock() {
        cancel.check();
        try {
            lock.wait(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoistException("interrupted", HoistException.Kind.CANCELLED, e);
        }
        cancel.check();
    }

    void pause(boolean paused) {
        synchronized (lock) {
            this.paused = paused;
            lock.notifyAll();
        }
    }

    boolean paused() {
        synchronized (lock) {
            return paused;
        }
    }

    void concurrency(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        IntConsumer resize;
        synchronized (lock) {
            concurrency = n;
            resize = onResize;
            lock.notifyAll();
        }
        resize.accept(n);
    }

    int concurrency() {
        synchronized (lock) {
            return concurrency;
        }
    }

    void rateLimit(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the rate limit must not be negative");
        }
        synchronized (limiter) {
            rateLimit = bytesPerSecond;
            // A new limit starts afresh: time reserved under the old one is not owed.
            nextFree = System.nanoTime();
        }
    }

    long rateLimit() {
        return rateLimit;
    }

    /**
     * Called as a transfer reads {@code bytes} more: sleeps so that all transfers of the job together
     * stay under the limit. Each caller reserves its own slice of time, so the limit is shared fairly.
     */
    void throttle(long bytes) {
        long wait;
        synchronized (limiter) {
            long rate = rateLimit;
            if (rate <= 0 || bytes <= 0) {
                return;
            }
            long now = System.nanoTime();
            nextFree = Math.max(nextFree, now - BURST_NANOS) + (long) (bytes * 1e9 / rate);
            wait = nextFree - now;
        }
        long end = System.nanoTime() + wait;
        for (long left = wait; left > 0; left = end - System.nanoTime()) {
            cancel.check();
            try {
                Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HoistException("interrupted", HoistException.Kind.CANCELLED, e);
            }
        }
    }
}
