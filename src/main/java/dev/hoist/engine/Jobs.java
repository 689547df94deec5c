package dev.hoist.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs of a process: a command-line push runs one in the foreground, the shell and the SSH
 * server many. {@link #submit} returns at once; the push runs on threads of its own.
 */
public final class Jobs implements AutoCloseable {

    private final PushEngine engine;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Job> jobs = new ConcurrentSkipListMap<>();
    private final List<java.util.function.Consumer<Job>> submitted = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Jobs(PushEngine engine) {
        this.engine = engine;
    }

    /** Jobs whose engine comes with each submit: in a session each command line has its own credentials and options. */
    public Jobs() {
        this(null);
    }

    public Job submit(String name, PushPlan plan) {
        return submit(name, plan, null, 0, List.of());
    }

    /**
     * @param owner who submitted it (a user of the SSH server), or null
     * @param rateLimit bytes per second over all its transfers from the start, 0 for none
     * @param listeners told every event, each on its own thread; the job's end waits until they have had them all
     */
    public Job submit(String name, PushPlan plan, String owner, long rateLimit, List<PushListener> listeners) {
        return submit(name, plan, owner, rateLimit, listeners, engine);
    }

    /** As above, on the given engine (its registries, credentials and options) rather than the one of these jobs. */
    public Job submit(String name, PushPlan plan, String owner, long rateLimit, List<PushListener> listeners, PushEngine engine) {
        if (engine == null) {
            throw new IllegalArgumentException("these jobs have no engine of their own: submit with one");
        }
        if (rateLimit < 0) {
            throw new IllegalArgumentException("the rate limit must not be negative");
        }
        var job = new Job(ids.incrementAndGet(), name, owner, plan, engine, rateLimit, listeners);
        jobs.put(job.id(), job);
        submitted.forEach(l -> l.accept(job));
        thread("hoist-job-" + job.id(), () -> job.runAttempts(plan, null)).start();
        return job;
    }

    /** Told of every job submitted, before it starts (so its end cannot be missed): the SSH server's audit log. */
    public void onSubmit(java.util.function.Consumer<Job> listener) {
        submitted.add(listener);
    }

    /** Every job not forgotten, oldest first. */
    public List<Job> list() {
        return new ArrayList<>(jobs.values());
    }

    public Optional<Job> get(int id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Forgets a job that has ended (the shell's list stays short); false if it is still running. */
    public boolean forget(int id) {
        var job = jobs.get(id);
        if (job == null || !job.state().finished()) {
            return false;
        }
        return jobs.remove(id, job);
    }

    /** Cancels the jobs still running and waits a little for them to stop. */
    @Override
    public void close() {
        cancel(jobs.values().stream().filter(j -> !j.state().finished()).toList());
    }

    /** Cancels these jobs and waits for each to end (a shell leaving cancels only its own). */
    public static void cancel(List<Job> running) {
        running.forEach(Job::cancel);
        for (var job : running) {
            try {
                job.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static Thread thread(String name, Runnable work) {
        var t = new Thread(work, name);
        t.setDaemon(true);
        return t;
    }
}
