package dev.hoist.cli;

import dev.hoist.HoistException;
import dev.hoist.dsl.HoistSession;
import dev.hoist.dsl.ScriptException;
import dev.hoist.engine.PushResult;
import dev.hoist.source.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hoist run FILE}: evaluates a Groovy push script; every {@code push} in it runs on the engine. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Runs a Groovy push script.",
        description = {"The script defines registries, filters and plans and pushes them; see the README for the language.",
                "",
                "Errors are reported as FILE:LINE:COLUMN: what is wrong."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every push succeeded", "1:a push failed", "2:a script or input error", "130:cancelled"})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The script, e.g. release.groovy; - reads it from standard input.")
    Path file;

    @Option(names = "-P", paramLabel = "NAME=VALUE", description = "A parameter, params.NAME in the script; may repeat.")
    List<String> params = new ArrayList<>();

    @Option(names = "--dry-run", description = "Every push becomes a dry run: nothing is written anywhere.")
    boolean dryRun;

    @Option(names = "--progress", arity = "0..1", paramLabel = "MODE", fallbackValue = "auto",
            converter = ProgressMode.Converter.class, preprocessor = ProgressMode.OptionalMode.class,
            description = "Progress of each push on stderr: auto (the default), dashboard, live, plain, or json (one event per line).")
    ProgressMode progress;

    @Option(names = "--dashboard", description = "Show each push's live dashboard on this terminal (same as --progress dashboard); "
            + "q leaves it and the push goes on with live lines.")
    boolean dashboard;

    @Option(names = "--limit-rate", paramLabel = "RATE", converter = Sizes.PerSecond.class,
            description = "Send at most RATE over all transfers of each push, e.g. 20MB/s (changeable while it runs, from the "
                    + "dashboard or hoist attach).")
    long limitRate;

    @Option(names = "--no-progress", description = "No progress on stderr: only the summaries, errors and the pushed references.")
    boolean noProgress;

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    private final Main.Io io;

    RunCommand(Main.Io io) {
        this.io = io;
    }

    /** {@code -P NAME=VALUE} pairs; a malformed one is a usage error. */
    static Map<String, String> params(List<String> pairs) {
        var out = new LinkedHashMap<String, String>();
        for (var p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new HoistException("-P '" + p + "': expected NAME=VALUE", HoistException.Kind.USAGE);
            }
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return out;
    }

    @Override
    public Integer call() throws IOException {
        var mode = noProgress ? ProgressMode.NONE : dashboard ? ProgressMode.DASHBOARD
                : progress != null ? progress : ProgressMode.AUTO;
        if (mode == ProgressMode.DASHBOARD) {
            // Refused before the script runs, not at its first push.
            PlanRun.requireDashboard(io);
        }
        if (limitRate < 0) {
            throw new HoistException("--limit-rate must not be negative", HoistException.Kind.USAGE);
        }
        var runner = new ScriptRunner(io, mode, report.quiet, "-".equals(report.json),
                new ConnectionOptions().options(io.env(), 5, 0, 8), limitRate);
        var spool = Spool.open();
        try (var session = new HoistSession(io.env(), params(params), io.out(), runner).dryRun(dryRun)) {
            int code = 0;
            try {
                ScriptFiles.evaluate(session, file, io);
            } catch (ScriptException e) {
                e.problems().forEach(io.err()::println);
                if (Verbosity.verbose() && e.getCause() != null) {
                    e.getCause().printStackTrace(io.err());
                }
                code = e.kind().exitCode;
            }
            var results = session.results();
            for (var r : results) {
                code = Math.max(code, PlanRun.exitCode(r));
            }
            if (report.json != null) {
                JsonReport.write(merge(results, dryRun), report.json, io.out());
            }
            return code;
        } finally {
            spool.close();
        }
    }

    /** One report for every push of the run. */
    static PushResult merge(List<PushResult> results, boolean dryRun) {
        if (results.isEmpty()) {
            var now = Instant.now();
            return new PushResult(now, now, 0, List.of(), 0, false, dryRun);
        }
        var images = results.stream().flatMap(r -> r.images().stream()).toList();
        return new PushResult(results.get(0).started(), results.get(results.size() - 1).ended(),
                results.stream().mapToInt(PushResult::found).sum(), images,
                results.stream().mapToInt(PushResult::retries).sum(),
                results.stream().anyMatch(PushResult::cancelled), results.stream().allMatch(PushResult::dryRun));
    }
}
