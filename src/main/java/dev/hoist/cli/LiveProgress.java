package dev.hoist.cli;

import dev.hoist.engine.JobSnapshot;
import dev.hoist.engine.JobState;
import dev.hoist.engine.JobView;
import dev.hoist.engine.PushEvent;
import dev.hoist.engine.PushListener;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Progress on a terminal: finished steps scroll up as plain lines (from events); below them a bar
 * per active transfer and an overall line (images done of total, bytes, rate, ETA), drawn from the
 * job's snapshot on a clock of its own, ten times a second, never once per event.
 * {@link ProgressLines} lays the block out for the terminal's width and height; JLine's
 * {@link Display} redraws it, writing only what changed, so a line is never wider than the
 * terminal and the redraw never loses count of the rows it drew.
 */
final class LiveProgress implements PushListener, AutoCloseable {

    private static final long TICK_MILLIS = 100;
    private static final int UNKNOWN_WIDTH = 1000;
    /** Larger than any draw (a screenful of lines and their escapes), so one never leaves in pieces. */
    private static final int DRAW_BUFFER = 1 << 16;

    /** The name of the terminals made over a command's stream, which progress closes when done. */
    private static final String OVER_STREAM = "hoist-progress";
    private final Terminal terminal;
    private Display display;
    private final List<String> finished = new ArrayList<>();
    private volatile JobView view;
    private Thread ticker;
    private boolean planDone;
    private int drawnWidth;
    /** The block's lines as last drawn, to know how many rows they take once the terminal rewraps them. */
    private List<String> drawn = List.of();

    /** Where the size comes from when the terminal cannot tell it: the session's own terminal, or null. */
    private final Main.Prompt session;

    /**
     * On the process's terminal when {@code out} is its stderr, else on a terminal over {@code out}
     * ({@link #terminal}), sized by {@code session} when that knows its terminal's size (a shell,
     * local or over SSH: its JLine terminal, followed through resizes).
     */
    LiveProgress(PrintStream out, Map<String, String> env, Main.Prompt session) {
        this(terminal(out, env), session);
    }

    LiveProgress(Terminal terminal) {
        this(terminal, null);
    }

    private LiveProgress(Terminal terminal, Main.Prompt session) {
        this.terminal = terminal;
        this.display = new Display(terminal, false);
        this.session = session;
    }

    /**
     * The terminal progress is drawn on. For the process's own stderr, JLine's system terminal on
     * it (JNI): its size is read from the tty on every draw; no signal handler is installed, so
     * Ctrl-C stays the JVM's. Otherwise (a stream a shell or a session hands over) a terminal over
     * that stream, {@code $COLUMNS} x {@code $LINES} of type {@code $TERM} (without {@code $COLUMNS}
     * the width is not guessed, see {@link #draw}).
     */
    static Terminal terminal(PrintStream out, Map<String, String> env) {
        if (out == System.err) {
            try {
                var system = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysErr)
                        .nativeSignals(false).dumb(true).build();
                if (!system.getType().startsWith(Terminal.TYPE_DUMB) && system.getWidth() > 0) {
                    return system;
                }
                // Not closed: a dumb system terminal's close could close the process's stderr with it.
            } catch (IOException | RuntimeException e) {
                // No native access or no tty after all: draw over the stream below.
            }
        }
        try {
            var type = env.getOrDefault("TERM", "xterm");
            // The exec provider gives a terminal over the stream alone; JNI's would open a pty of the
            // server's (and a thread to pump it) for every push of a session, never released.
            return TerminalBuilder.builder().system(false).provider("exec").name(OVER_STREAM).type(type.startsWith(Terminal.TYPE_DUMB) ? "ansi" : type)
                    // A terminal over a stream hands its output on one byte at a time (its output
                    // processing), and a shell's stream flushes each: a draw reached the tty as hundreds of
                    // writes, so the terminal showed draws half done, and a resize reflowed one half-written
                    // (stray pieces of rewrapped lines left in the block). Held here until the terminal
                    // flushes, a draw is one write.
                    .streams(InputStream.nullInputStream(), new BufferedOutputStream(out, DRAW_BUFFER) {
                        @Override
                        public void close() throws IOException {
                            // The stream is the command's, not ours to close.
                            flush();
                        }
                    })
                    .size(new Size(number(env.get("COLUMNS"), 0), number(env.get("LINES"), 24)))
                    .build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int number(String value, int fallback) {
        try {
            return value == null ? fallback : Math.max(1, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Starts drawing the job's figures. */
    synchronized void watch(JobView view) {
        this.view = view;
        ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(TICK_MILLIS);
                    draw();
                }
            } catch (InterruptedException ignored) {
                // Closed.
            }
        }, "hoist-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    @Override
    public void on(PushEvent event) {
        var line = PlainProgress.line(event);
        synchronized (this) {
            if (event instanceof PushEvent.PlanStarted) {
                planDone = false;
            }
            if (line != null && !(event instanceof PushEvent.BlobSkipped)) {
                finished.add(line);
            }
            if (event instanceof PushEvent.PlanDone) {
                planDone = true;
            }
        }
        if (line != null || event instanceof PushEvent.PlanDone) {
            draw();
        }
    }

    /** Stops drawing; what is left on screen is the finished lines. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = ticker;
            planDone = true;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        draw();
        if (OVER_STREAM.equals(terminal.getName())) {
            // A terminal over the command's stream, ours alone (its close leaves the stream open);
            // the process's own terminal stays, as its close could close stderr with it.
            try {
                terminal.close();
            } catch (IOException ignored) {
                // Nothing was held but the stream, which is not ours.
            }
        }
    }

    private synchronized void draw() {
        // The terminal's size now: the process's tty is asked on every draw, so a resize is followed at once.
        // A width nobody told (a session's stream without $COLUMNS): lines as wide as they come, never
        // padded on the guess that the terminal wraps them at some column.
        // A shell's stream carries no size (a local shell's environment has no $COLUMNS): its own
        // terminal knows it, and lines as wide as they come would wrap and garble the block.
        int sessionColumns = session != null ? session.columns() : 0;
        int sessionRows = session != null ? session.rows() : 0;
        int width = sessionColumns > 0 ? sessionColumns : terminal.getWidth() > 0 ? terminal.getWidth() : UNKNOWN_WIDTH;
        int height = sessionRows > 0 ? sessionRows : terminal.getHeight() > 0 ? terminal.getHeight() : 24;
        if (width != drawnWidth && drawnWidth > 0) {
            // The terminal rewrapped the block drawn for the old width, each line into as many rows as
            // the new width needs: go up over all of them from the cursor's row under the block, clear
            // to the end of the screen, and draw the block anew.
            int rows = 0;
            for (var line : drawn) {
                rows += Math.max(1, (line.length() + width - 1) / width);
            }
            terminal.puts(InfoCmp.Capability.carriage_return);
            for (int i = 0; i < rows; i++) {
                terminal.puts(InfoCmp.Capability.cursor_up);
            }
            terminal.puts(InfoCmp.Capability.clr_eos);
            // A new Display: reset() forgets the lines but not where it left the cursor, counted in the
            // old width's rows, so its next update went up from there, above the cleared rows, and drew
            // the block over lines the resize had rewrapped (stray characters after a shorter line).
            // The cursor is at the top of the cleared rows now: where a new Display starts.
            display = new Display(terminal, false);
        }
        display.resize(height, width);
        drawnWidth = width;
        if (!finished.isEmpty()) {
            // Finished steps scroll up above the block: take the block away, print them, draw it again below.
            display.update(List.of(), 0);
            drawn = List.of();
            var writer = terminal.writer();
            for (var line : finished) {
                writer.print(line);
                writer.print('\n');
            }
            finished.clear();
        }
        var transfers = new ArrayList<ProgressLines.Transfer>();
        ProgressLines.Overall overall = null;
        var v = view;
        if (v != null && !planDone) {
            var s = v.snapshot();
            for (var t : s.transfers()) {
                transfers.add(new ProgressLines.Transfer(verb(t.state()), t.blob().algorithm() + ":" + t.blob().shortHex(), t.target().repository(),
                        t.bytes(), t.size(), t.rate()));
            }
            overall = overall(s);
        }
        drawn = ProgressLines.layout(transfers, overall, width, height);
        var block = new ArrayList<AttributedString>();
        for (var line : drawn) {
            block.add(new AttributedString(line));
        }
        // The cursor rests at the start of the line under the block, where whatever follows is printed.
        block.add(AttributedString.EMPTY);
        display.update(block, new Size(width, height).cursorPos(block.size() - 1, 0));
        terminal.flush();
    }

    private static ProgressLines.Overall overall(JobSnapshot s) {
        var t = s.totals();
        var note = new StringBuilder();
        if (s.state() == JobState.PAUSED) {
            note.append("PAUSED");
        }
        if (s.rateLimit() > 0) {
            note.append(note.length() > 0 ? "  " : "").append("limit ").append(Sizes.human(s.rateLimit())).append("/s");
        }
        if (t.nothingToSend()) {
            note.append(note.length() > 0 ? "  " : "").append("nothing to send: ").append(t.whyNothingSent());
        }
        return new ProgressLines.Overall(t.done(), t.images(), t.bytesSent(), t.bytesToSend(), t.rateNow(),
                t.eta() == null ? null : dev.hoist.Durations.brief(t.eta()), note.toString());
    }

    private static String verb(String state) {
        return switch (state) {
            case "compressing" -> "gzip";
            case "mounting" -> "mount";
            case "waiting" -> "wait";
            case "retrying" -> "retry";
            default -> "push";
        };
    }
}
