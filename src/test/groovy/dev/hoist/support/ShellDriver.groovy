package dev.hoist.support

import dev.hoist.cli.Main
import dev.hoist.engine.Jobs
import dev.hoist.shell.Shell
import org.jline.terminal.Attributes
import org.jline.terminal.Size
import org.jline.terminal.Terminal
import org.jline.terminal.impl.ExternalTerminal

import java.nio.charset.StandardCharsets
import java.nio.file.Path

/**
 * A {@link Shell} on a JLine terminal over pipes, in this JVM: keys go in as a pty's would (ISIG,
 * ICANON, Ctrl-C = 3), what the shell draws is collected as it comes. Waits with a deadline.
 */
class ShellDriver implements Closeable {

    final PipedOutputStream keys = new PipedOutputStream()
    final StringBuffer screen = new StringBuffer()
    final Terminal terminal
    final Shell shell
    final Thread thread
    final Jobs jobs
    volatile Integer exit

    /**
     * A shell whose home, history and docker config are under {@code dir} (nothing of the user
     * running the tests), started and at its first prompt.
     */
    static ShellDriver inHome(File dir, Map<String, String> env = [:]) {
        def driver = new ShellDriver(new File(dir, 'state/history').toPath(),
                [PATH: System.getenv('PATH'), DOCKER_CONFIG: new File(dir, 'docker-config').path, HOME: dir.path] + env)
        driver.prompt(0)
        driver
    }

    ShellDriver(Path history, Map<String, String> env = [:]) {
        def input = new PipedInputStream(keys, 64 * 1024)
        def output = new OutputStream() {
            @Override
            void write(int b) { write([(byte) b] as byte[], 0, 1) }

            @Override
            void write(byte[] b, int off, int len) {
                screen.append(new String(b, off, len, StandardCharsets.UTF_8))
            }
        }
        terminal = new ExternalTerminal('test', 'xterm-256color', input, output, StandardCharsets.UTF_8)
        def attributes = terminal.getAttributes()
        attributes.setLocalFlag(Attributes.LocalFlag.ISIG, true)
        attributes.setLocalFlag(Attributes.LocalFlag.ICANON, true)
        attributes.setControlChar(Attributes.ControlChar.VINTR, 3)
        terminal.setAttributes(attributes)
        terminal.setSize(new Size(120, 40))
        def out = new PrintStream(terminal.output(), true, 'UTF-8')
        jobs = new Jobs()
        shell = new Shell(terminal, new Main.Io(out, out, InputStream.nullInputStream(), env, true), jobs, history, env)
        thread = Thread.start('shell-under-test') { exit = shell.run() }
    }

    /** Everything drawn since {@code from}, escape sequences removed. */
    String text(int from = 0) {
        screen.substring(Math.min(from, screen.length())).replaceAll(/\u001B\[[0-9;?]*[A-Za-z]|\u001B[=>]|\r/, '')
    }

    int mark() {
        screen.length()
    }

    /** Types keys after the prompt has been drawn (again) since {@code from}. */
    void type(String s) {
        keys.write(s.getBytes(StandardCharsets.UTF_8))
        keys.flush()
    }

    /** A line, once the prompt is there; returns the mark from which its output is drawn. */
    int line(String s, long timeoutMs = 30_000) {
        int from = mark()
        type(s + '\r')
        from
    }

    /** Types a line's start and Tab, then a marker once the Tab is handled; returns what was drawn and how long the Tab took. */
    Map tab(String typed) {
        int from = mark()
        long start = System.nanoTime()
        type(typed + '\t')
        type('#')
        waitFor('#', from, 10_000)
        long ms = (System.nanoTime() - start).intdiv(1_000_000)
        def drawn = text(from)
        type('\u0015')
        [text: drawn, ms: ms]
    }

    void waitFor(String expected, int from = 0, long timeoutMs = 30_000) {
        long deadline = System.currentTimeMillis() + timeoutMs
        while (!text(from).contains(expected)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '${expected}' within ${timeoutMs} ms; screen since mark:\n${text(from)}")
            }
            Thread.sleep(20)
        }
    }

    /** Waits for a prompt drawn after {@code from}: the shell is ready for the next line. */
    void prompt(int from, long timeoutMs = 30_000) {
        waitFor('hoist> ', from, timeoutMs)
    }

    Integer awaitExit(long timeoutMs = 30_000) {
        thread.join(timeoutMs)
        exit
    }

    @Override
    void close() {
        try {
            keys.close()
        } catch (IOException ignored) {
        }
        thread.join(5_000)
        terminal.close()
        jobs.close()
    }
}
