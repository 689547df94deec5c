package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialChain;
import dev.hoist.credentials.Credentials;
import dev.hoist.credentials.DockerConfig;
import dev.hoist.credentials.HoistStore;
import dev.hoist.credentials.Keyring;
import dev.hoist.engine.Registries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code hoist login REGISTRY}: checks credentials against the registry, then stores them. */
@Command(name = "login", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Checks a login against a registry and stores it.",
        description = {"The login goes to the Secret Service keyring where one answers, otherwise to "
                + "~/.config/hoist/credentials.json (mode 0600).",
                "",
                "Prefer --password-stdin: a password given with -p is visible to other users."})
final class LoginCommand implements Callable<Integer> {

    @Parameters(paramLabel = "REGISTRY", arity = "0..1", description = "HOST[:PORT], e.g. gitea.cnoe.localtest.me:8443.")
    String registry;

    @Option(names = "--list", description = "List stored logins and where each lives (never the secret).")
    boolean list;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    private final Main.Io io;

    LoginCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        var store = new HoistStore(Dirs.config(io.env()), new Keyring(io.env()));
        if (list) {
            var logins = new java.util.LinkedHashMap<String, String>();
            store.list().forEach(logins::putIfAbsent);
            new DockerConfig(io.env()).list().forEach(logins::putIfAbsent);
            logins.forEach((host, where) -> io.out().println(host + "\t" + where));
            if (logins.isEmpty()) {
                io.err().println("no logins stored by hoist, docker or podman");
            }
            return 0;
        }
        if (registry == null) {
            throw new HoistException("login needs a REGISTRY (or --list)", HoistException.Kind.USAGE);
        }
        var host = registry.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
        // -u alone: the password is asked for, as with no credentials at all.
        var credentials = connection.secretGiven() ? connection.credentials(io) : null;
        if (credentials == null) {
            credentials = prompt();
        }
        if (credentials.password() == null) {
            throw new HoistException("login stores a user name and password (or token as password): use -u USER --password-stdin",
                    HoistException.Kind.USAGE);
        }
        var registries = new Registries(new CredentialChain(credentials, java.util.List.of()), connection.options(io.env(), 2, 0, 4));
        if (!registries.client(host).login()) {
            io.err().println(host + " asks for no login; storing the credentials anyway");
        }
        var keyring = new Keyring(io.env());
        if (!keyring.available()) {
            io.err().println("no keyring answers here; storing the login in " + store.file() + " (mode 0600)");
        }
        var where = store.store(host, credentials.username(), credentials.password());
        io.err().println("Login Succeeded: " + credentials.username() + " at " + host + ", stored in " + where);
        return 0;
    }

    /** Asks on the command's own terminal (see {@link Main.Prompt}), the password without echo. */
    private Credentials prompt() {
        var prompt = io.prompt();
        if (prompt == null) {
            throw new HoistException("no credentials given: use -u USER --password-stdin", HoistException.Kind.USAGE);
        }
        var user = connection.username != null ? connection.username : prompt.ask("Username: ", false);
        var password = user == null || user.isBlank() ? null : prompt.ask("Password: ", true);
        if (user == null || user.isBlank() || password == null || password.isEmpty()) {
            throw new HoistException("login needs a user name and a password", HoistException.Kind.USAGE);
        }
        return Credentials.basic(user.strip(), password, "prompt");
    }
}
