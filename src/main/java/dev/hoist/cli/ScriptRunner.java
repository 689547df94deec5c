package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.credentials.CredentialChain;
import dev.hoist.dsl.PushRunner;
import dev.hoist.engine.PushPlan;
import dev.hoist.engine.PushResult;
import dev.hoist.registry.RegistryOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * Runs a script's pushes in the foreground the way {@code hoist push} does (progress, Ctrl-C, the
 * pushed references and a summary per push), each registry with the settings the script gave it
 * and the usual credential chain for the others.
 *
 * @param rateLimit bytes per second over all transfers of each push, 0 for none
 * @param reportOnStdout the run's JSON report goes to stdout, so pushed references do not
 */
public record ScriptRunner(Main.Io io, ProgressMode progress, boolean quiet, boolean reportOnStdout, RegistryOptions defaults,
                           long rateLimit)
        implements PushRunner {

    /**
     * How a session's pushes run (the shell): as {@code hoist push} there, through {@code io}'s host,
     * whose jobs take them (in the background when the host says so: then {@link #run} returns null).
     */
    public static PushRunner forSession(Main.Io io, RegistryOptions defaults) {
        return new ScriptRunner(io, ProgressMode.AUTO, false, false, defaults, 0);
    }

    @Override
    public PushResult run(String name, PushPlan plan) {
        if (!quiet) {
            io.err().println((plan.dryRun() ? "dry run" : "push") + " '" + name + "': " + plan.items().size() + " image"
                    + (plan.items().size() == 1 ? "" : "s"));
        }
        var hosts = plan.items().stream().map(i -> i.target().registry()).filter(r -> !r.startsWith("oci:")).distinct().toList();
        var chain = CredentialChain.standard(null, io.env(), Dirs.config(io.env())).forRegistries(hosts);
        var shown = reportOnStdout ? new Main.Io(new PrintStream(OutputStream.nullOutputStream()), io.err(), io.in(), io.env(),
                io.terminal(), io.host(), io.prompt()) : io;
        try {
            return new PlanRun(shown, progress, quiet, null, rateLimit, "hoist run: " + name)
                    .run(plan, chain, defaults);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String summary(PushResult result) {
        return Summary.line(result);
    }

    @Override
    public String json(PushResult result) {
        return JsonReport.toJson(result).toPrettyString();
    }
}
