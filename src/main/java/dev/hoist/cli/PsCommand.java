package dev.hoist.cli;

import dev.hoist.attach.JobSockets;
import picocli.CommandLine.Command;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hoist ps}: this user's running pushes, each with the ID that {@code hoist attach} takes. */
@Command(name = "ps", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Lists this user's running pushes.",
        description = {"One row per push: its ID (for hoist attach), command line, start time and progress.",
                "",
                "Pushes are found by their sockets in $XDG_RUNTIME_DIR/hoist/ (or /tmp/hoist-UID/)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed (perhaps none)"})
final class PsCommand implements Callable<Integer> {

    /** How narrow COMMAND may be cut: enough of its start and end to tell the pushes apart. */
    private static final int COMMAND_LEAST = 16;

    private final Main.Io io;

    PsCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        var rows = new ArrayList<String[]>();
        rows.add(new String[] {"ID", "COMMAND", "STARTED", "PROGRESS"});
        var zone = ZoneId.systemDefault();
        for (var e : JobSockets.running(io.env())) {
            var s = e.snapshot();
            var started = s.started().atZone(zone);
            var when = started.toLocalDate().equals(LocalDate.now(zone))
                    ? started.format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                    : started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
            var t = s.totals();
            var progress = String.format(Locale.ROOT, "%s %d/%d images, %s of %s, %s/s, ETA %s", s.state().name(),
                    t.done(), t.images(), Sizes.human(t.bytesSent()), Sizes.human(t.bytesToSend()),
                    Sizes.human((long) t.rateNow()), dev.hoist.Durations.brief(t.eta()));
            if (t.failed() > 0) {
                progress += ", " + t.failed() + " failed";
            }
            rows.add(new String[] {e.id(), s.name(), when, progress});
        }
        // On a terminal, rows fit its width: STARTED gives way, then COMMAND is cut in the middle (to
        // COMMAND_LEAST at the least), then PROGRESS at its end; piped, every cell is whole.
        Table.lines(rows, Table.width(io), new int[] {2}, 1, Integer.MAX_VALUE, COMMAND_LEAST).forEach(io.out()::println);
        return 0;
    }
}
