package dev.hoist.dashboard;

import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import dev.hoist.engine.JobSnapshot;
import dev.hoist.engine.JobView;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The live dashboard of one job. Two threads: the caller's, blocked in {@code readInput()} and turning
 * keys into the job's controls, and a render thread that draws the job's snapshot about four times a
 * second (and at once after a key), sending only the cells that changed. Neither ever waits for the
 * job, so a dashboard costs the push nothing, whatever it is doing.
 */
public final class Dashboard {

    /** About 4 Hz: smooth enough for rates and bars, about 1% of a core. */
    static final long FRAME_MILLIS = 250;

    private final JobView view;
    private final TerminalScreen screen;
    private final Controls controls;
    private final boolean monochrome;
    private final Object tick = new Object();
    private volatile boolean running = true;
    private volatile boolean woken;
    private volatile JobSnapshot drawn;

    private Dashboard(JobView view, TerminalScreen screen, boolean monochrome, boolean readOnly) {
        this.view = view;
        this.screen = screen;
        this.monochrome = monochrome;
        this.controls = new Controls(view, readOnly);
    }

    /**
     * Shows the dashboard until the user presses {@code q} (or any key once the job has ended, or the
     * terminal's input ends), then restores the screen. The terminal's streams stay open.
     */
    public static void show(JobView view, Terminal terminal, boolean monochrome) throws IOException {
        show(view, terminal, monochrome, false);
    }

    /** @param readOnly show the job, but leave its controls (pause, workers, limit, retry, cancel) alone */
    public static void show(JobView view, Terminal terminal, boolean monochrome, boolean readOnly) throws IOException {
        var screen = new TerminalScreen(terminal);
        screen.setCursorPosition(null);
        new Dashboard(view, screen, monochrome, readOnly).run();
    }

    /**
     * Shows the dashboard on the process's own terminal (the streams are its stdin and stdout, a tty),
     * with colour unless {@link #monochrome(Map)} says otherwise.
     */
    public static void onConsole(JobView view, InputStream in, OutputStream out, Map<String, String> env) throws IOException {
        onConsole(view, in, out, env, false);
    }

    /** @param readOnly show the job, but leave its controls alone ({@code hoist attach --read-only}) */
    public static void onConsole(JobView view, InputStream in, OutputStream out, Map<String, String> env, boolean readOnly)
            throws IOException {
        try (var terminal = new ConsoleTerminal(in, out)) {
            show(view, terminal, monochrome(env), readOnly);
        }
    }

    /**
     * Lanterna reads neither variable: colour is off with {@code NO_COLOR} set (no-color.org) or a
     * terminal type known to have none.
     */
    public static boolean monochrome(Map<String, String> env) {
        var noColor = env.get("NO_COLOR");
        if (noColor != null && !noColor.isEmpty()) {
            return true;
        }
        var term = env.getOrDefault("TERM", "").toLowerCase(Locale.ROOT);
        return term.isEmpty() || term.equals("dumb") || term.endsWith("-mono") || term.endsWith("-m")
                || term.startsWith("vt100") || term.startsWith("vt102") || term.startsWith("vt220");
    }

    /** Why the dashboard cannot run on this terminal type, or null when it can. */
    public static String unusable(Map<String, String> env) {
        var term = env.getOrDefault("TERM", "");
        if (term.isEmpty() || term.equals("dumb")) {
            return "the dashboard needs a terminal that can move the cursor (TERM is " + (term.isEmpty() ? "not set" : term) + ")";
        }
        return null;
    }

    private void run() throws IOException {
        drawn = view.snapshot();
        screen.startScreen();
        var render = new Thread(this::renderLoop, "hoist-dashboard");
        render.setDaemon(true);
        render.start();
        try {
            while (true) {
                var key = screen.readInput();
                if (key == null || key.getKeyType() == KeyType.EOF) {
                    return;
                }
                if (controls.key(key, current())) {
                    return;
                }
                wake();
            }
        } finally {
            running = false;
            wake();
            try {
                render.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            screen.stopScreen(false);
        }
    }

    /** A fresh snapshot for a key (the concurrency + adds to, whether p pauses or resumes), or the last one drawn. */
    private JobSnapshot current() {
        try {
            return view.snapshot();
        } catch (RuntimeException e) {
            return drawn;
        }
    }

    private void wake() {
        synchronized (tick) {
            woken = true;
            tick.notifyAll();
        }
    }

    private void renderLoop() {
        boolean complete = true;
        try {
            while (running) {
                if (screen.doResizeIfNecessary() != null) {
                    complete = true;
                }
                var snapshot = view.snapshot();
                drawn = snapshot;
                var size = screen.getTerminalSize();
                var failures = controls.failures(snapshot);
                new Painter(screen.newTextGraphics(), size.getColumns(), size.getRows(), monochrome, Instant.now())
                        .paint(snapshot, controls.ui(), failures);
                screen.refresh(complete ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
                complete = false;
                synchronized (tick) {
                    if (!woken && running) {
                        tick.wait(FRAME_MILLIS);
                    }
                    woken = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // The terminal went away (an SSH client gone, a closed pty): the input side ends with it.
            running = false;
        }
    }
}
