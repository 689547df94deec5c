package dev.hoist.dashboard

import com.googlecode.lanterna.TerminalSize
import com.googlecode.lanterna.input.KeyStroke
import com.googlecode.lanterna.input.KeyType
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal

import groovy.transform.CompileStatic

import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * Lanterna's in-memory terminal, read back as text. Its own readInput() blocks while holding the
 * terminal's monitor, which would stop every draw; keys go through a queue of our own instead.
 */
class VirtualScreen {

    @Delegate(interfaces = true, excludes = ['readInput', 'pollInput', 'flush'])
    final DefaultVirtualTerminal terminal

    private final LinkedBlockingQueue<KeyStroke> keys = new LinkedBlockingQueue<>()

    /** The rows as the last refresh left them: a read never sees half a frame. */
    private volatile List<String> frame = []

    VirtualScreen(int columns, int rows) {
        terminal = new DefaultVirtualTerminal(new TerminalSize(columns, rows))
    }

    KeyStroke readInput() {
        keys.take()
    }

    KeyStroke pollInput() {
        keys.poll()
    }

    void type(String text) {
        text.each { keys.add(new KeyStroke(it as char, false, false)) }
    }

    void press(KeyType type) {
        keys.add(new KeyStroke(type))
    }

    void ctrlC() {
        keys.add(new KeyStroke('c' as char, true, false))
    }

    void resize(int columns, int rows) {
        terminal.setTerminalSize(new TerminalSize(columns, rows))
    }

    /** The screen calls flush() at the end of every refresh. */
    void flush() {
        synchronized (terminal) {
            terminal.flush()
            frame = capture()
        }
    }

    @CompileStatic
    private List<String> capture() {
        def size = terminal.terminalSize
        def rows = new ArrayList<String>(size.rows)
        for (int r = 0; r < size.rows; r++) {
            def sb = new StringBuilder()
            for (int c = 0; c < size.columns; c++) {
                sb.append(terminal.getCharacter(c, r).characterString)
            }
            rows.add(sb.toString())
        }
        rows
    }

    String row(int r) {
        def rows = frame
        r < rows.size() ? rows[r] : ''
    }

    String text() {
        frame.collect { it.replaceAll(/\s+$/, '') }.join('\n')
    }

    /** Polls the screen until it shows what the closure looks for, or fails with what it showed. */
    String await(String what, long seconds = 5, Closure<Boolean> check) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        String shown = text()
        while (!check(shown)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the screen never showed ${what}:\n${shown}" as Object)
            }
            Thread.sleep(20)
            shown = text()
        }
        shown
    }

    String awaitText(String text, long seconds = 5) {
        await("'${text}'", seconds) { it.contains(text) }
    }
}
