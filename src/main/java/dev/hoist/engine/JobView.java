package dev.hoist.engine;

/**
 * What a viewer of a job needs: its snapshot, read on the viewer's own clock, and the controls.
 * A {@link Job} is one; a client over a job's socket (another process's push) is another.
 */
public interface JobView {

    JobSnapshot snapshot();

    /** No new blob transfer and no new request starts; transfers in flight finish their chunk. */
    void pause();

    void resume();

    /** Blob transfers at once, at least 1; lowering it lets transfers in flight finish. */
    void concurrency(int n);

    /** Bytes per second over all the job's transfers; 0 for no limit. */
    void rateLimit(long bytesPerSecond);

    /** Pushes the images that failed again, as a new attempt of the same job (at once if it has ended). */
    void retryFailed();

    void cancel();
}
