package dev.hoist.engine;

/** Where a {@link Job} is in its life. DONE, FAILED and CANCELLED are final until a retry of the failures. */
public enum JobState {
    QUEUED, RUNNING, PAUSED, DONE, FAILED, CANCELLED;

    public boolean finished() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
