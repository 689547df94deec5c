package dev.hoist.dashboard;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.terminal.ansi.ANSITerminal;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;

/**
 * An ANSI terminal over any pair of streams (the shell's JLine terminal, an SSH channel), whose size
 * and resizes come from whoever owns the streams: Lanterna's {@code UnixTerminal} would run
 * {@code stty} on the process's own tty, which is the wrong terminal there, and asking the far end for
 * its size races with the input thread. Closing it never closes the streams.
 */
public final class StreamTerminal extends ANSITerminal {

    private volatile TerminalSize size;

    public StreamTerminal(InputStream in, OutputStream out, Charset charset, int columns, int rows) {
        super(in, out, charset);
        this.size = new TerminalSize(Math.max(1, columns), Math.max(1, rows));
    }

    /** The far end changed size (SIGWINCH from JLine, a window-change request on an SSH channel). */
    public void resize(int columns, int rows) {
        size = new TerminalSize(Math.max(1, columns), Math.max(1, rows));
        onResized(size);
    }

    @Override
    protected TerminalSize findTerminalSize() {
        return size;
    }
}
