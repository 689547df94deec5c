package dev.hoist.server;

import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.command.Command;

import java.io.InputStream;
import java.io.OutputStream;

/** What MINA hands every command of a channel before it starts: its three streams and where its exit status goes. */
abstract class ChannelCommand implements Command {

    InputStream in;
    OutputStream out;
    OutputStream err;
    ExitCallback exit;

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }
}
