package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialStore;
import dev.hoist.attach.JobSockets;
import dev.hoist.dashboard.Dashboard;
import dev.hoist.engine.BlobInfoCache;
import dev.hoist.engine.ImageResult;
import dev.hoist.engine.Job;
import dev.hoist.engine.Jobs;
import dev.hoist.engine.PushEngine;
import dev.hoist.engine.PushListener;
import dev.hoist.engine.PushPlan;
import dev.hoist.engine.PushResult;
import dev.hoist.engine.Registries;
import dev.hoist.image.ImageRef;
import dev.hoist.registry.RegistryOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plan as a job for a command: progress, Ctrl-C, the report and the exit code. {@code push}
 * and {@code build} both end here, so both push the same way. Run from the command line it owns
 * the job; run for a host (the shell, {@link Main.Io#host()}) it submits to the host's jobs, and in
 * the background returns at once.
 *
 * @param json where the JSON report goes ({@code -} for stdout), or null
 * @param rateLimit bytes per second over all transfers, 0 for none
 * @param name what the job is called in {@code hoist ps} and the shell's jobs (the command line)
 */
record PlanRun(Main.Io io, ProgressMode mode, boolean quiet, String json, long rateLimit, String name) {

    PlanRun(Main.Io io, boolean progress, boolean quiet, String json) {
        this(io, progress ? ProgressMode.AUTO : ProgressMode.NONE, quiet, json, 0, "hoist");
    }

    int execute(PushPlan plan, CredentialStore credentials, RegistryOptions options) throws IOException {
        var result = run(plan, credentials, options);
        return result == null ? 0 : exitCode(result);
    }

    /**
     * Runs the plan as a job with progress and Ctrl-C, prints its report, and returns its result;
     * null when a host's background took it. Scripts run each push here.
     */
    /** The dashboard can be drawn on this command's terminal, or a usage error says why not. */
    static void requireDashboard(Main.Io io) {
        if (!io.terminal()) {
            throw new HoistException("the dashboard needs a terminal, and this is not one (try --progress plain or json)",
                    HoistException.Kind.USAGE);
        }
        var unusable = Dashboard.unusable(io.env());
        if (unusable != null) {
            throw new HoistException(unusable + " (try --progress plain)", HoistException.Kind.USAGE);
        }
        if (io.host() != null) {
            // The shell's terminal is not the process's: the shell opens a job's dashboard on its own terminal.
            throw new HoistException("--dashboard is for the command line; in the shell, open the job's dashboard there",
                    HoistException.Kind.USAGE);
        }
    }

    PushResult run(PushPlan plan, CredentialStore credentials, RegistryOptions options) throws IOException {
        var host = io.host();
        // A job in the shell's background prints nothing over the prompt; the shell announces its end.
        var shown = quiet || host != null && host.background() ? ProgressMode.NONE : mode.resolve(io);
        if (shown == ProgressMode.DASHBOARD) {
            requireDashboard(io);
        }
        // Every registry's credentials are found before anything is sent, so a refused
        // credentials file stops the push with one line, not one per image.
        plan.items().stream().map(i -> i.target().registry()).filter(r -> !r.startsWith("oci:")).distinct()
                .forEach(credentials::lookup);
        var registries = new Registries(credentials, options, plan.registries());
        var engine = new PushEngine(registries, new BlobInfoCache(Dirs.cache(io.env())));
        var listeners = new ArrayList<PushListener>();
        LiveProgress live = null;
        switch (shown) {
            // The command's environment decides the terminal's type and size: over SSH the client's, not the server's.
            case LIVE -> listeners.add(live = new LiveProgress(io.err(), io.env(), io.prompt()));
            case PLAIN -> listeners.add(new PlainProgress(io.err()));
            case JSON -> listeners.add(new JsonProgress(io.err()));
            default -> { }
        }
        var jobs = host != null ? host.jobs() : new Jobs();
        var job = jobs.submit(host != null && host.name() != null ? host.name() : name, plan,
                host != null ? host.owner() : null, rateLimit, listeners, engine);
        // Every running push can be attached to from another terminal (hoist ps, hoist attach).
        var socket = JobSockets.expose(job, io.env());
        if (live != null) {
            live.watch(job);
        }
        if (host != null) {
            host.onSubmit().accept(job);
            if (host.background()) {
                // The job reads the spool files its plan made (a daemon's export) after the command returns.
                var scope = dev.hoist.source.Spool.current();
                Runnable spooled = scope != null ? scope.handOver() : () -> { };
                job.onEnd(j -> {
                    registries.close();
                    close(socket);
                    spooled.run();
                });
                if (job.state().finished()) {
                    // Ended before the listener was added: it will not be told.
                    registries.close();
                    close(socket);
                    spooled.run();
                }
                return null;
            }
        }
        try {
            return foreground(job, registries, live, shown == ProgressMode.DASHBOARD);
        } finally {
            close(socket);
        }
    }

    private static void close(java.io.Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Only a socket file left behind; hoist ps removes those of processes gone.
        }
    }

    private PushResult foreground(Job job, Registries registries, LiveProgress live, boolean dashboard) throws IOException {
        var host = io.host();
        var finished = new CountDownLatch(1);
        // Ctrl-C on the command line cancels the job; a shell routes it to its foreground job itself.
        var hook = host != null ? null : new Thread(() -> {
            job.cancel();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "hoist-cancel");
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        PushResult result;
        try {
            if (dashboard) {
                // On the alternate screen until q (the push goes on with the live lines) or a key after its end.
                Dashboard.onConsole(job, io.in(), io.out(), io.env());
                if (!job.state().finished()) {
                    live = new LiveProgress(io.err(), io.env(), io.prompt());
                    job.addListener(live);
                    live.watch(job);
                }
            }
            result = job.await();
            if (live != null) {
                live.close();
            }
            report(result);
        } catch (InterruptedException e) {
            job.cancel();
            Thread.currentThread().interrupt();
            throw new HoistException("interrupted", HoistException.Kind.CANCELLED, e);
        } finally {
            registries.close();
            finished.countDown();
            try {
                if (hook != null) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and has waited for the summary printed above.
            }
        }
        return result;
    }

    private void report(PushResult result) throws IOException {
        if (json != null) {
            JsonReport.write(result, json, io.out());
        }
        if ((json == null || !json.equals("-")) && !result.dryRun()) {
            for (var image : result.images()) {
                if (image.ok()) {
                    var t = image.target();
                    io.out().println(new ImageRef(t.registry(), t.repository(), t.tag(), image.digest()));
                }
            }
        }
        // One failure that stopped several images (their registry never answered) is told once, with their number.
        var failures = new LinkedHashMap<String, List<ImageResult>>();
        for (var image : result.images()) {
            if (!image.ok()) {
                failures.computeIfAbsent(image.error(), e -> new ArrayList<>()).add(image);
            }
        }
        failures.forEach((error, images) -> {
            var t = images.get(0).target();
            // Registry errors already name the repository; don't say it twice.
            var named = error.startsWith(t.registry() + "/" + t.repository());
            io.err().println("hoist: " + (images.size() > 1 ? error + "; " + images.size() + " images not pushed"
                    : (named ? "" : t + ": ") + error));
        });
        io.err().println(Summary.line(result));
    }

    static int exitCode(PushResult result) {
        if (result.cancelled()) {
            return HoistException.Kind.CANCELLED.exitCode;
        }
        if (result.ok()) {
            return 0;
        }
        boolean input = result.images().stream().anyMatch(i -> i.errorKind() == HoistException.Kind.INPUT
                || i.errorKind() == HoistException.Kind.USAGE);
        return input ? 2 : 1;
    }
}
