package dev.hoist.engine;

import dev.hoist.HoistException;

/**
 * Asks a running plan to stop: no new work starts, uploads in flight abort at their next read, and
 * waits (a retry's back-off, a registry's Retry-After) end at once.
 */
public final class CancelToken {

    private volatile boolean cancelled;
    private final java.util.List<Runnable> onCancel = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void cancel() {
        cancelled = true;
        onCancel.forEach(Runnable::run);
    }

    /** Runs {@code action} on cancel (at once if already cancelled); the returned handle removes it. */
    AutoCloseable onCancel(Runnable action) {
        onCancel.add(action);
        if (cancelled) {
            action.run();
        }
        return () -> onCancel.remove(action);
    }

    public boolean isCancelled() {
        return cancelled;
    }

    void check() {
        if (cancelled) {
            throw new HoistException("cancelled", HoistException.Kind.CANCELLED);
        }
    }
}
