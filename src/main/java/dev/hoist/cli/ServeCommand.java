package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.server.Shells;
import dev.hoist.server.SshServe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/** {@code hoist serve --ssh}: runs hoist for the keys of an authorized_keys file, over SSH. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Serves hoist over SSH until SIGTERM or Ctrl-C.",
        description = {"`ssh -p 2222 HOST push SRC TARGET` runs one command with its exit status, stdout and stderr. "
                + "Public keys only, no forwarding, no SFTP/SCP. Users are told apart by the key that logged in "
                + "(its comment, or its fingerprint)."})
final class ServeCommand implements Callable<Integer> {

    private static final Pattern LISTEN = Pattern.compile("(?:\\[([^\\]]+)]|([^:\\[\\]]+)):(\\d{1,5})");

    @Option(names = "--ssh", required = true, description = "Serve over SSH (the one protocol served today).")
    boolean ssh;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2222",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, loopback only; name another address to serve it).")
    String listen;

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = "Public keys allowed to log in, OpenSSH format, re-read when it changes (default: ~/.ssh/authorized_keys).")
    Path authorizedKeys;

    @Option(names = "--host-key", paramLabel = "FILE",
            description = "The server's ed25519 key, made (mode 0600) on the first start (default: ~/.config/hoist/ssh_host_ed25519_key).")
    Path hostKey;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "32",
            description = "Most sessions logged in at once; more are refused (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "Close a session with no traffic and no running command after this long: 90s, 30m, 2h, 0 = never (default: ${DEFAULT-VALUE}).")
    String idleTimeout;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    private final Main.Io io;

    ServeCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        var m = LISTEN.matcher(listen);
        if (!m.matches() || Integer.parseInt(m.group(3)) > 65535) {
            throw new HoistException("--listen wants HOST:PORT, e.g. 127.0.0.1:2222, not " + listen, HoistException.Kind.USAGE);
        }
        if (maxSessions < 1) {
            throw new HoistException("--max-sessions wants 1 or more, not " + maxSessions, HoistException.Kind.USAGE);
        }
        var home = home();
        var settings = new SshServe.Settings(m.group(1) != null ? m.group(1) : m.group(2), Integer.parseInt(m.group(3)),
                authorizedKeys != null ? authorizedKeys : home.resolve(".ssh").resolve("authorized_keys"),
                hostKey != null ? hostKey : Dirs.config(io.env()).resolve("ssh_host_ed25519_key"),
                maxSessions, duration(idleTimeout), Dirs.state(io.env()).resolve("serve.log"), io.env(), Shells.HOIST);
        // The server's own log lines go to this process's stderr; each session's commands log to
        // their own channel (Verbosity routes by the thread a line is logged on).
        var server = SshServe.start(settings);
        var stopped = new CountDownLatch(1);
        var hook = new Thread(() -> {
            // Pushes of running commands are cancelled by their own hooks; give them time to say so.
            server.close(Duration.ofSeconds(10));
            io.err().println("hoist serve: stopped");
            stopped.countDown();
        }, "hoist-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        io.out().println(server.banner());
        io.out().flush();
        stopped.await();
        return 0;
    }

    private Path home() {
        var h = io.env().get("HOME");
        return Path.of(h != null && !h.isBlank() ? h : System.getProperty("user.home"));
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, or {@code 0} for no timeout. */
    static Duration duration(String text) {
        var m = Pattern.compile("(\\d+)([smhd])").matcher(text.strip());
        if (text.strip().equals("0")) {
            return Duration.ZERO;
        }
        if (!m.matches()) {
            throw new HoistException("a duration is a number and a unit (90s, 30m, 2h, 1d), not " + text, HoistException.Kind.USAGE);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
