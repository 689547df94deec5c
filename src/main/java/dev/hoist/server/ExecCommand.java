package dev.hoist.server;

import dev.hoist.HoistException;
import dev.hoist.cli.Main;
import dev.hoist.engine.Job;
import dev.hoist.shell.TerminalPrompt;
import dev.hoist.shell.Words;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.jline.terminal.Terminal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An exec request ({@code ssh HOST push SRC TARGET}): one hoist command run as the command line
 * would run it, with the channel's stdin, stdout and stderr, and its exit code as the exit status.
 * A client that goes away does not stop the command: a push runs to its end, and its result is in
 * the audit log.
 */
final class ExecCommand extends ChannelCommand {

    /** What the client may set in a command's environment: its terminal and language, as OpenSSH's AcceptEnv does. */
    private static final List<String> CLIENT_ENV = List.of("TERM", "LANG", "COLUMNS", "LINES");

    private final SshServe server;
    private final String line;

    ExecCommand(SshServe server, String line) {
        this.server = server;
        this.line = line;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) throws IOException {
        var session = channel.getServerSession();
        var user = KeyUser.of(session);
        var env = commandEnv(server.settings().env(), environment.getEnv());
        // With a pty (ssh -t), output goes through a terminal as it would through sshd's pty: line
        // ends become CR LF on the client's raw terminal, and Ctrl-C arrives as a signal, not a byte.
        var terminal = environment.getEnv().containsKey(Environment.ENV_TERM) ? SessionTerminal.open(environment, in, out) : null;
        Main.Io io;
        if (terminal != null) {
            var stream = new PrintStream(terminal.output(), true, terminal.encoding());
            io = new Main.Io(stream, stream, terminal.input(), env, true).with(new TerminalPrompt(terminal));
        } else {
            // No pty: login reads its answers as lines of stdin, as --password-stdin would.
            io = new Main.Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    in, env, false).with(Main.Prompt.lines(in));
        }
        // MINA's idle timeout counts traffic only; a quiet push must not lose its session.
        var period = Math.max(1, Math.min(10, server.settings().idleTimeout().toSeconds() / 3));
        var keepAlive = server.ticks().scheduleAtFixedRate(session::resetIdleTimeout, period, period, TimeUnit.SECONDS);
        var id = server.nextExecId();
        var job = new java.util.concurrent.atomic.AtomicReference<Job>();
        var thread = new Thread(() -> {
            int code = 2;
            try {
                code = run(user, id, io, job);
            } finally {
                keepAlive.cancel(false);
                io.out().flush();
                io.err().flush();
                close(terminal);
                server.running(Thread.currentThread(), false);
                exit.onExit(code);
            }
        }, "hoist-ssh-exec-" + id);
        if (terminal != null) {
            // Ctrl-C: cancels the command's job (it exits 130 with its summary), or interrupts what runs before it.
            terminal.handle(Terminal.Signal.INT, signal -> {
                var j = job.get();
                if (j != null) {
                    j.cancel();
                } else {
                    thread.interrupt();
                }
            });
        }
        server.running(thread, true);
        server.channel(channel, true);
        thread.start();
    }

    static void close(Terminal terminal) {
        if (terminal != null) {
            try {
                terminal.close();
            } catch (IOException ignored) {
                // The channel is gone already: nothing left to flush to.
            }
        }
    }

    /** The server's environment, with the client's terminal and language. */
    static Map<String, String> commandEnv(Map<String, String> server, Map<String, String> client) {
        var env = new HashMap<>(server);
        client.forEach((k, v) -> {
            if (CLIENT_ENV.contains(k) || k.startsWith("LC_")) {
                env.put(k, v);
            }
        });
        return Map.copyOf(env);
    }

    private int run(KeyUser user, int id, Main.Io io, java.util.concurrent.atomic.AtomicReference<Job> job) {
        var audit = server.audit();
        List<String> args;
        try {
            args = Words.split(line);
        } catch (HoistException e) {
            audit.write(user, "exec " + id + " refused: " + e.getMessage());
            io.err().println("hoist: " + e.getMessage());
            return e.kind().exitCode;
        }
        var shown = AuditLog.masked(args);
        if (args.isEmpty() || args.get(0).equals("serve")) {
            audit.write(user, "exec " + id + " refused: " + shown);
            io.err().println(args.isEmpty() ? "hoist: give a command, e.g. ssh -p PORT HOST push SOURCE TARGET"
                    : "hoist: serve cannot be run over ssh");
            return HoistException.Kind.USAGE.exitCode;
        }
        audit.write(user, "exec " + id + " " + shown);
        int code;
        try {
            // On the server's jobs, owned by this user: `jobs` in their shell lists it, also after this connection dropped.
            var host = new Main.Host(server.jobs(), user.name(), shown, false, job::set);
            code = Main.execute(io, host, args.toArray(String[]::new));
        } catch (RuntimeException | Error e) {
            io.err().println("hoist: " + e);
            code = 1;
        }
        audit.write(user, "exec " + id + " exit " + code);
        return code;
    }

    @Override
    public void destroy(ChannelSession channel) {
        server.channel(channel, false);
        // The channel closed (client gone or server stopping): the command goes on to its end.
    }
}
