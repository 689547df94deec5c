package dev.hoist.server;

import dev.hoist.cli.Main;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.jline.terminal.Terminal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A shell request ({@code ssh -p 2222 HOST}): the session's terminal handed to {@link Shells}.
 * When the channel closes (the client went away) the terminal is closed, which ends a read in
 * progress, so the session's thread never outlives its connection.
 */
final class ShellSession extends ChannelCommand {

    private final SshServe server;
    private volatile Terminal terminal;
    private volatile Shells.Session shell;
    private volatile boolean hungUp;

    ShellSession(SshServe server) {
        this.server = server;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) throws IOException {
        var user = KeyUser.of(channel.getServerSession());
        var env = ExecCommand.commandEnv(server.settings().env(), environment.getEnv());
        terminal = SessionTerminal.open(environment, new HangUpInput(in), out);
        server.terminal(terminal, true);
        var id = server.nextExecId();
        var thread = new Thread(() -> {
            int code = 1;
            server.audit().write(user, "shell " + id + " on " + terminal.getType() + " " + terminal.getWidth() + "x" + terminal.getHeight());
            try {
                var stream = new PrintStream(terminal.output(), true, terminal.encoding());
                // Without a pty (ssh -T) the terminal is dumb: commands print as they would off a terminal
                // (plain progress lines, not a redrawn block padded to a guessed width).
                boolean dumb = terminal.getType().startsWith(Terminal.TYPE_DUMB);
                var io = new Main.Io(stream, stream, InputStream.nullInputStream(), env, !dumb);
                var opened = server.settings().shells().open(terminal, io, server.jobs(), user.name(), history(user), env,
                        line -> server.audit().write(user, "shell " + id + " " + line));
                shell = opened;
                if (hungUp) {
                    opened.hangUp();
                }
                code = opened.run();
            } catch (Exception e) {
                if (!channel.isClosing() && !channel.isClosed()) {
                    new PrintStream(err, true, StandardCharsets.UTF_8).println("hoist: " + e.getMessage());
                }
            } finally {
                close();
                server.audit().write(user, "shell " + id + (hungUp ? " hung up" : "") + " exit " + code);
                server.running(Thread.currentThread(), false);
                exit.onExit(code);
            }
        }, "hoist-ssh-shell-" + id);
        server.running(thread, true);
        thread.start();
    }

    /**
     * The channel's input: its end means the client went away (a user's Ctrl-D or {@code exit} is read
     * by the shell, not an end of input), and the shell is told before the end reaches it.
     */
    private final class HangUpInput extends FilterInputStream {

        HangUpInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            return ended(() -> super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return ended(() -> super.read(b, off, len));
        }

        private int ended(IoRead read) throws IOException {
            try {
                int n = read.get();
                if (n < 0) {
                    hangUp();
                }
                return n;
            } catch (IOException e) {
                hangUp();
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface IoRead {
        int get() throws IOException;
    }

    private void hangUp() {
        hungUp = true;
        var s = shell;
        if (s != null) {
            s.hangUp();
        }
    }

    /** Each user's own history file, named by the user's name made safe for a file name. */
    private Path history(KeyUser user) {
        return server.settings().auditLog().toAbsolutePath().getParent()
                .resolve("ssh-history").resolve(user.name().replaceAll("[^A-Za-z0-9@._+-]", "_"));
    }

    private void close() {
        ExecCommand.close(terminal);
        server.terminal(terminal, false);
    }

    @Override
    public void destroy(ChannelSession channel) {
        hangUp();
        close();
    }
}
