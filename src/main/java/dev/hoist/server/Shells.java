package dev.hoist.server;

import dev.hoist.cli.Main;
import org.jline.terminal.Terminal;

import java.nio.file.Path;
import java.util.Map;

/** What runs in an interactive SSH session (hoist's shell); returns the session's exit status. */
@FunctionalInterface
public interface Shells {

    /**
     * @param terminal the session's terminal; closed by the server when the session ends
     * @param io       the terminal's streams, for commands run in the session
     * @param user     who logged in (the key's comment or fingerprint)
     * @param history  this user's history file
     * @param env      the environment commands run with
     */
    int run(Terminal terminal, Main.Io io, String user, Path history, Map<String, String> env) throws Exception;
}
