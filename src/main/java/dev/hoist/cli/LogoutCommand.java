package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.credentials.HoistStore;
import dev.hoist.credentials.Keyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code hoist logout REGISTRY}: removes a stored login (keyring entry and file entry). */
@Command(name = "logout", mixinStandardHelpOptions = true, header = "Removes the login hoist stored for a registry.")
final class LogoutCommand implements Callable<Integer> {

    @Parameters(paramLabel = "REGISTRY", description = "HOST[:PORT].")
    String registry;

    private final Main.Io io;

    LogoutCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        var host = registry.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
        var store = new HoistStore(Dirs.config(io.env()), new Keyring(io.env()));
        if (store.remove(host)) {
            io.err().println("Removed login for " + host);
        } else {
            io.err().println("Not logged in to " + host);
        }
        return 0;
    }
}
