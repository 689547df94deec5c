package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialStore;
import dev.hoist.engine.BlobInfoCache;
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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plan on the engine for a command: progress listener, Ctrl-C, the report and the exit
 * code. {@code push} and {@code build} both end here, so both push the same way.
 *
 * @param json where the JSON report goes ({@code -} for stdout), or null
 */
record PlanRun(Main.Io io, boolean progress, boolean quiet, String json) {

    int execute(PushPlan plan, CredentialStore credentials, RegistryOptions options) throws IOException {
        // Every registry's credentials are found before anything is sent, so a refused
        // credentials file stops the push with one line, not one per image.
        plan.items().stream().map(i -> i.target().registry()).filter(r -> !r.startsWith("oci:")).distinct()
                .forEach(credentials::lookup);
        var registries = new Registries(credentials, options);
        var engine = new PushEngine(registries, new BlobInfoCache(Dirs.cache()));
        var listeners = new ArrayList<PushListener>();
        if (progress && !quiet && (io.host() == null || !io.host().background())) {
            listeners.add(io.terminal() ? new LiveProgress(io.err()) : new PlainProgress(io.err()));
        }
        if (io.host() != null) {
            return hosted(io.host(), plan, registries, engine, listeners);
        }
        var job = new Jobs(engine).submit(String.join(" ", "hoist", "push"), plan, null, 0, listeners);
        var finished = new CountDownLatch(1);
        var hook = new Thread(() -> {
            job.cancel();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "hoist-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        PushResult result;
        try {
            result = job.await();
            report(result);
        } catch (InterruptedException e) {
            job.cancel();
            Thread.currentThread().interrupt();
            throw new HoistException("interrupted", HoistException.Kind.CANCELLED, e);
        } finally {
            registries.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and has waited for the summary printed above.
            }
        }
        return exitCode(result);
    }

    /** In a session: the session's jobs run it; Ctrl-C reaches it through the session (it knows the job from onSubmit). */
    private int hosted(Main.Host host, PushPlan plan, Registries registries, PushEngine engine, List<PushListener> listeners)
            throws IOException {
        var job = host.jobs().submit(host.name(), plan, host.owner(), 0, listeners, engine);
        job.onEnd(j -> registries.close());
        if (job.state().finished()) {
            registries.close();
        }
        host.onSubmit().accept(job);
        if (host.background()) {
            return 0;
        }
        PushResult result;
        try {
            result = job.await();
        } catch (InterruptedException e) {
            job.cancel();
            Thread.currentThread().interrupt();
            throw new HoistException("interrupted", HoistException.Kind.CANCELLED, e);
        }
        report(result);
        return exitCode(result);
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
        for (var image : result.images()) {
            if (!image.ok()) {
                var t = image.target();
                // Registry errors already name the repository; don't say it twice.
                var named = image.error().startsWith(t.registry() + "/" + t.repository());
                io.err().println("hoist: " + (named ? "" : t + ": ") + image.error());
            }
        }
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
