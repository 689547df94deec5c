package dev.hoist.cli;

import dev.hoist.HoistException;
import dev.hoist.attach.JobSockets;
import dev.hoist.attach.RemoteJob;
import dev.hoist.dashboard.Dashboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code hoist attach}: the dashboard of a push running in another terminal, over its job socket. */
@Command(name = "attach", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Shows the live dashboard of a push running in another terminal.",
        description = {"Opens the dashboard of one of this user's running pushes, one started without --dashboard too (hoist ps lists them with their IDs). Without ID: the only running push. q leaves the dashboard; the push goes on.",
                "Keys: p pause/resume, + - workers, b bandwidth limit, r retry failed, c cancel (asks y/n), / filter, f rows (active, failures, all), Enter a failure's whole error, ? help, q leave."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:left the dashboard", "1:no such running push, or it could not be reached",
                "2:bad usage (not a terminal)"})
final class AttachCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "ID", description = "The push's ID as hoist ps shows it; may be left out when only one push runs.")
    String id;

    @Option(names = "--read-only", description = "Only watch: the keys that would change the push (pause, workers, limit, retry, cancel) do nothing.")
    boolean readOnly;

    private final Main.Io io;

    AttachCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (!io.terminal()) {
            throw new HoistException("attach shows a dashboard and needs a terminal (hoist ps lists the running pushes)",
                    HoistException.Kind.USAGE);
        }
        var unusable = Dashboard.unusable(io.env());
        if (unusable != null) {
            throw new HoistException(unusable, HoistException.Kind.USAGE);
        }
        var endpoint = JobSockets.find(io.env(), id).orElseThrow(() -> new HoistException(id != null
                ? "no running push with ID " + id + " (hoist ps lists them)"
                : JobSockets.running(io.env()).isEmpty() ? "no running push to attach to"
                : "more than one push is running: give its ID (hoist ps lists them)", HoistException.Kind.REMOTE));
        try (var job = RemoteJob.connect(endpoint.socket(), readOnly)) {
            Dashboard.onConsole(job, io.in(), io.out(), io.env(), readOnly);
        }
        return 0;
    }
}
