package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.engine.Jobs;
import dev.hoist.shell.Shell;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code hoist shell}: the interactive session on this process's terminal, or a script read from stdin. */
@Command(name = "shell", mixinStandardHelpOptions = true,
        header = "Starts an interactive session of hoist commands and Groovy.",
        description = {"An interactive session: every hoist command, Groovy with the DSL bound, background jobs, "
                + "completion (Tab) and history (~/.local/state/hoist/history, secrets masked).",
                "",
                "With standard input not a terminal (hoist shell < session.txt) the lines are run in order, "
                + "without prompts; the exit code is that of the last failing line."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no line failed", "N:the exit code of the last line that failed"})
final class ShellCommand implements Callable<Integer> {

    private final Main.Io io;

    ShellCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        var history = Dirs.state(io.env()).resolve("history");
        // The shell's jobs live as long as it does: leaving cancels what still runs.
        try (var jobs = new Jobs()) {
            return io.terminal() ? interactive(jobs, history) : Shell.script(io, jobs);
        }
    }

    private int interactive(Jobs jobs, java.nio.file.Path history) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("hoist").build()) {
            if (terminal.getWidth() <= 0) {
                // A pty nobody sized (a script's): JLine cannot lay out a line in zero columns.
                terminal.setSize(new org.jline.terminal.Size(80, 24));
            }
            boolean dumb = Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
            // Commands write through the terminal's own stream, so its output processing (CR before LF
            // outside raw mode) applies to them as to the line editor.
            var out = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
            var session = new Main.Io(out, out, InputStream.nullInputStream(), io.env(), !dumb);
            return new Shell(terminal, session, jobs, history, io.env()).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
