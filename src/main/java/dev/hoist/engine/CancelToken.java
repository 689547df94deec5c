package dev.hoist.engine;

import dev.hoist.HoistException;

/** Asks a running plan to stop: no new work starts and uploads in flight abort at their next read. */
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
