package dev.hoist.engine;

import dev.hoist.HoistException;

/**
 * Asks a running plan to stop: no new work starts, uploads in flight abort at their next read, and
 * waits (a retry's back-off, a registry's Retry-After) end at once.
 */
public final class CancelToken {

    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
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
