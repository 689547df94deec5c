package dev.hoist.shell;

import org.jline.reader.LineReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A shell's output stream. While a command runs it writes straight through (live progress draws
 * with carriage returns and escape codes); while a line is being read, what arrives (a background
 * job's log lines, written from its own threads) goes above the prompt whole line by whole line,
 * so the line the user is typing stays intact on the last row.
 */
final class AboveThePrompt extends OutputStream {

    private final OutputStream out;
    private final Supplier<LineReader> reader;
    /** The start of a line that came while reading, held until its end. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    AboveThePrompt(OutputStream out, Supplier<LineReader> reader) {
        this.out = out;
        this.reader = reader;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        var r = reading();
        if (r == null) {
            passPending();
            out.write(b, off, len);
            return;
        }
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                var line = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                r.printAbove(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            } else {
                pending.write(b[i]);
            }
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (reading() == null) {
            passPending();
        }
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        passPending();
        out.close();
    }

    /** The reader when a line is being read at the prompt, else null. */
    private LineReader reading() {
        var r = reader.get();
        return r != null && r.isReading() ? r : null;
    }

    private void passPending() throws IOException {
        if (pending.size() > 0) {
            pending.writeTo(out);
            pending.reset();
        }
    }
}
