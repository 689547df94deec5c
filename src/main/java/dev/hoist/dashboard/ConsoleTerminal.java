package dev.hoist.dashboard;

import com.googlecode.lanterna.terminal.ansi.UnixTerminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The process's own terminal: Lanterna's {@code UnixTerminal} with Ctrl-C trapped (its default kills the
 * JVM; here it becomes a key the dashboard routes to the job's cancel). Lanterna's window-size signal
 * handler outlives the terminal and would, after {@code q}, ask the terminal for its size over the
 * progress lines: once closed, the handler does nothing.
 */
final class ConsoleTerminal extends UnixTerminal {

    private volatile boolean closed;

    ConsoleTerminal(InputStream in, OutputStream out) throws IOException {
        super(in, out, StandardCharsets.UTF_8, CtrlCBehaviour.TRAP);
    }

    @Override
    protected void registerTerminalResizeListener(Runnable onResize) throws IOException {
        super.registerTerminalResizeListener(() -> {
            if (!closed) {
                onResize.run();
            }
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        super.close();
    }
}
