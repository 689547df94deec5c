package dev.hoist.engine;

import dev.hoist.HoistException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One plan running on the engine, made by {@link Jobs#submit}: its cancel token, its gate (pause,
 * concurrency, bandwidth limit), and a live model any number of viewers read as snapshots. A
 * retry of the failures runs as a new attempt of the same job; its result replaces theirs.
 */
public final class Job implements JobView {

    private final int id;
    private final String name;
    private final String owner;
    private final PushPlan plan;
    private final PushEngine engine;
    private final CancelToken cancel = new CancelToken();
    private final JobGate gate;
    private final JobModel model = new JobModel();
    private final List<PushListener> listeners;
    private final List<PushListener> viewers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Job>> onEnd = new CopyOnWriteArrayList<>();
    private final Instant submitted = Instant.now();

    private final Object lock = new Object();
    private JobState state = JobState.QUEUED;
    private Instant started;
    private Instant ended;
    private PushResult result;
    private EventBus bus;
    private boolean retryRequested;

    Job(int id, String name, String owner, PushPlan plan, PushEngine engine, long rateLimit, List<PushListener> listeners) {
        this.id = id;
        this.name = name;
        this.owner = owner;
        this.plan = plan;
        this.engine = engine;
        this.gate = new JobGate(plan.concurrency(), rateLimit, cancel);
        this.listeners = List.copyOf(listeners);
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Who submitted it (a user of the SSH server), or null. */
    public String owner() {
        return owner;
    }

    public PushPlan plan() {
        return plan;
    }

    public Instant submitted() {
        return submitted;
    }

    public JobState state() {
        synchronized (lock) {
            return state == JobState.RUNNING && gate.paused() ? JobState.PAUSED : state;
        }
    }

    /** Waits for the job to end (with any retry of failures asked for before) and returns its result. */
    public PushResult await() throws InterruptedException {
        synchronized (lock) {
            while (!state.finished()) {
                lock.wait();
            }
            return result;
        }
    }

    /** The result once the job has ended. */
    public Optional<PushResult> result() {
        synchronized (lock) {
            return state.finished() ? Optional.of(result) : Optional.empty();
        }
    }

    /** Told (on the job's thread) each time the job ends, after a retry of failures too. */
    public void onEnd(Consumer<Job> listener) {
        onEnd.add(listener);
    }

    /** A viewer's listener of events from now on; a slow one costs bounded memory and never slows the job. */
    public void addListener(PushListener listener) {
        synchronized (lock) {
            viewers.add(listener);
            if (bus != null) {
                bus.add(listener);
            }
        }
    }

    public void removeListener(PushListener listener) {
        synchronized (lock) {
            viewers.remove(listener);
            if (bus != null) {
                bus.remove(listener);
            }
        }
    }

    @Override
    public JobSnapshot snapshot() {
        Instant s;
        Instant e;
        synchronized (lock) {
            s = started != null ? started : submitted;
            e = ended;
        }
        return model.snapshot(id, name, state(), s, e, gate.concurrency(), gate.rateLimit());
    }

    @Override
    public void pause() {
        if (!gate.paused() && !state().finished()) {
            gate.pause(true);
            model.note(Instant.now(), "info", "paused");
        }
    }

    @Override
    public void resume() {
        if (gate.paused()) {
            gate.pause(false);
            model.note(Instant.now(), "info", "resumed");
        }
    }

    @Override
    public void concurrency(int n) {
        int before = gate.concurrency();
        gate.concurrency(n);
        if (before != n) {
            model.note(Instant.now(), "info", "concurrency " + before + " -> " + n);
        }
    }

    @Override
    public void rateLimit(long bytesPerSecond) {
        gate.rateLimit(bytesPerSecond);
        model.note(Instant.now(), "info", bytesPerSecond == 0 ? "no bandwidth limit" : "bandwidth limit " + bytesPerSecond + " B/s");
    }

    @Override
    public void retryFailed() {
        PushResult previous;
        synchronized (lock) {
            if (cancel.isCancelled()) {
                return;
            }
            if (!state.finished()) {
                // Taken up when the attempt under way ends.
                retryRequested = true;
                return;
            }
            if (result == null || result.failed() == 0) {
                return;
            }
            previous = result;
            state = JobState.RUNNING;
            ended = null;
        }
        model.note(Instant.now(), "info", "retrying " + previous.failed() + " failed images");
        Jobs.thread("hoist-job-" + id, () -> runAttempts(failed(previous), previous)).start();
    }

    @Override
    public void cancel() {
        if (!cancel.isCancelled()) {
            cancel.cancel();
            model.note(Instant.now(), "info", "cancelled");
        }
    }

    CancelToken cancelToken() {
        return cancel;
    }

    /** Runs attempts on the calling thread until no retry of failures is asked for; then the job has ended. */
    void runAttempts(PushPlan attempt, PushResult previous) {
        synchronized (lock) {
            if (started == null) {
                started = Instant.now();
            }
            state = JobState.RUNNING;
        }
        var merged = previous;
        while (true) {
            var r = attempt(attempt);
            merged = merged == null ? r : merge(merged, r);
            synchronized (lock) {
                if (retryRequested && !cancel.isCancelled() && merged.failed() > 0) {
                    retryRequested = false;
                    attempt = failed(merged);
                    model.note(Instant.now(), "info", "retrying " + merged.failed() + " failed images");
                    continue;
                }
                retryRequested = false;
                result = merged;
                ended = Instant.now();
                state = merged.cancelled() ? JobState.CANCELLED : merged.ok() ? JobState.DONE : JobState.FAILED;
                lock.notifyAll();
            }
            break;
        }
        for (var listener : onEnd) {
            listener.accept(this);
        }
    }

    private PushResult attempt(PushPlan attempt) {
        var all = new ArrayList<>(listeners);
        EventBus b;
        synchronized (lock) {
            b = new EventBus(all, List.of(model::on));
            viewers.forEach(b::add);
            bus = b;
        }
        var begun = Instant.now();
        try {
            return engine.run(attempt, b, cancel, gate);
        } catch (RuntimeException e) {
            // The engine reports each image's failure itself; this is a failure of the run as a whole.
            var hoist = HoistException.find(e);
            var message = hoist != null ? hoist.getMessage() : PushEngine.message(e);
            var kind = hoist != null ? hoist.kind() : HoistException.Kind.REMOTE;
            var images = attempt.items().stream().map(i -> new ImageResult(i.source(), i.target(), null, null, false,
                    0, 0, 0, 0, 0, Duration.ZERO, message, kind)).toList();
            var r = new PushResult(begun, Instant.now(), attempt.found(), images, 0, cancel.isCancelled(), attempt.dryRun());
            b.publish(new PushEvent.PlanDone(r));
            return r;
        } finally {
            synchronized (lock) {
                bus = null;
            }
            b.close();
        }
    }

    private PushPlan failed(PushResult r) {
        var failedTargets = new HashSet<>(r.images().stream().filter(i -> !i.ok()).map(ImageResult::target).toList());
        return plan.withItems(plan.items().stream().filter(i -> failedTargets.contains(i.target())).toList());
    }

    /** The earlier result with the images tried again replaced by how they went this time. */
    private static PushResult merge(PushResult before, PushResult again) {
        var byTarget = new HashMap<dev.hoist.image.ImageRef, ImageResult>();
        again.images().forEach(i -> byTarget.put(i.target(), i));
        var images = before.images().stream().map(i -> byTarget.getOrDefault(i.target(), i)).toList();
        return new PushResult(before.started(), again.ended(), before.found(), images, before.retries() + again.retries(),
                again.cancelled(), before.dryRun());
    }
}
