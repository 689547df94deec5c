package dev.hoist.server;

import dev.hoist.cli.Main;
import dev.hoist.engine.Jobs;
import dev.hoist.shell.Shell;
import org.jline.terminal.Terminal;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** What runs in an interactive SSH session (hoist's shell). */
@FunctionalInterface
public interface Shells {

    /**
     * @param terminal the session's terminal; closed by the server when the session ends
     * @param io       the terminal's streams, for commands run in the session
     * @param jobs     the server's jobs, which outlive the session
     * @param user     who logged in (the key's comment or fingerprint)
     * @param history  this user's history file
     * @param env      the environment commands run with
     * @param lines    told every line the user runs, secrets masked (for the audit log)
     */
    Session open(Terminal terminal, Main.Io io, Jobs jobs, String user, Path history, Map<String, String> env,
                 Consumer<String> lines);

    /** One session's shell. */
    interface Session {

        /** Runs until the user leaves or the terminal closes; returns the session's exit status. */
        int run() throws Exception;

        /** The connection dropped: called before the shell reads the end of its input. */
        void hangUp();
    }

    /** hoist's shell: the user sees and controls only the jobs they started, in this session or an earlier one. */
    Shells HOIST = (terminal, io, jobs, user, history, env, lines) -> {
        var shell = new Shell(terminal, io, jobs, user, history, env);
        shell.onLine(lines);
        return new Session() {
            @Override
            public int run() {
                return shell.run();
            }

            @Override
            public void hangUp() {
                shell.hangUp();
            }
        };
    };
}
