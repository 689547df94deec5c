package dev.hoist.server;

import dev.hoist.cli.Main;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.jline.terminal.Terminal;

import java.io.IOException;
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

    ShellSession(SshServe server) {
        this.server = server;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) throws IOException {
        var user = KeyUser.of(channel.getServerSession());
        var env = ExecCommand.commandEnv(server.settings().env(), environment.getEnv());
        terminal = SessionTerminal.open(environment, in, out);
        var id = server.nextExecId();
        var thread = new Thread(() -> {
            int code = 1;
            server.audit().write(user, "shell " + id + " on " + terminal.getType() + " " + terminal.getWidth() + "x" + terminal.getHeight());
            try {
                var stream = new PrintStream(terminal.output(), true, terminal.encoding());
                var io = new Main.Io(stream, stream, terminal.input(), env, true);
                code = server.settings().shells().run(terminal, io, user.name(), history(user), env);
            } catch (Exception e) {
                if (!channel.isClosing() && !channel.isClosed()) {
                    new PrintStream(err, true, StandardCharsets.UTF_8).println("hoist: " + e.getMessage());
                }
            } finally {
                close();
                server.audit().write(user, "shell " + id + " exit " + code);
                server.running(Thread.currentThread(), false);
                exit.onExit(code);
            }
        }, "hoist-ssh-shell-" + id);
        server.running(thread, true);
        thread.start();
    }

    /** Each user's own history file, named by the user's name made safe for a file name. */
    private Path history(KeyUser user) {
        return server.settings().auditLog().toAbsolutePath().getParent()
                .resolve("ssh-history").resolve(user.name().replaceAll("[^A-Za-z0-9@._+-]", "_"));
    }

    private void close() {
        ExecCommand.close(terminal);
    }

    @Override
    public void destroy(ChannelSession channel) {
        close();
    }
}
