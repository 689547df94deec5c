package dev.hoist.support

/**
 * A private tmux server ({@code tmux -L hoist-...}, never the default one) running one command in
 * a window of a given size, read back with capture-pane and driven with send-keys.
 */
class Tmux implements Closeable {

    final String socket = "hoist-${UUID.randomUUID().toString().take(8)}"

    /** Where the pane's shell writes the command's exit status when it ends. */
    private final File statusFile = File.createTempFile('hoist-tmux-', '.status').tap { delete() }

    /**
     * Runs the command in a new window. Its exit status is written to a file by the pane's shell:
     * tmux 3.3's #{pane_dead_status} is sometimes never set (the pane's end seen on the pty before
     * the process is reaped). The shell traps Ctrl-C with a handler, not by ignoring it, so the
     * command gets the default disposition and the shell outlives a Ctrl-C meant for the command.
     */
    void start(List<String> command, int columns, int rows) {
        // A user's terminal: the CI variable of the test run (.ci/run sets it) would make hoist's auto progress plain.
        def line = 'trap : INT; unset CI; ' + command.collect { quote(it) }.join(' ') + '; echo $? > ' + quote(statusFile.path)
        Proc.ok(['tmux', '-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', "${columns}".toString(), '-y', "${rows}".toString(),
                 line])
        Proc.ok(['tmux', '-L', socket, 'set-option', '-g', 'remain-on-exit', 'on'])
    }

    private static String quote(String word) {
        "'" + word.replace("'", "'\\''") + "'"
    }

    String screen() {
        Proc.run(['tmux', '-L', socket, 'capture-pane', '-p', '-J']).out
    }

    void keys(String... keys) {
        Proc.ok(['tmux', '-L', socket, 'send-keys'] + (keys as List))
    }

    void resize(int columns, int rows) {
        Proc.ok(['tmux', '-L', socket, 'resize-window', '-x', "${columns}".toString(), '-y', "${rows}".toString()])
    }

    /** The exit status of the pane's command once it has ended, or null while it runs. */
    Integer exitStatus() {
        def text = statusFile.exists() ? statusFile.text.trim() : ''
        text ? text as Integer : null
    }

    /** Polls the screen until it matches, or fails with what it showed. */
    String waitFor(String pattern, int seconds = 20) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (true) {
            def s = screen()
            if (s =~ pattern) {
                return s
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("screen did not show /${pattern}/ within ${seconds} s:\n${s}")
            }
            Thread.sleep(100)
        }
    }

    /** Starts the session with a shell line (several commands, {@code ;}, redirections) in its first window. */
    void startLine(String line, int columns, int rows) {
        Proc.ok(['tmux', '-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', "${columns}".toString(), '-y', "${rows}".toString(), line])
        Proc.ok(['tmux', '-L', socket, 'set-option', '-g', 'remain-on-exit', 'on'])
    }

    /** Opens another window (not made current) running a shell line; returns its target for the methods below. */
    String window(String name, String line) {
        Proc.ok(['tmux', '-L', socket, 'new-window', '-d', '-n', name, line])
        ":${name}".toString()
    }

    /** What a window shows; the current one for a null target. */
    String screen(String target) {
        Proc.run(['tmux', '-L', socket, 'capture-pane', '-p', '-J'] + (target ? ['-t', target] : [])).out
    }

    /** Types text as it is (no key names), as a user would. */
    void type(String text, String target = null) {
        Proc.ok(['tmux', '-L', socket, 'send-keys'] + (target ? ['-t', target] : []) + ['-l', text])
    }

    /** Polls a window until the closure accepts what it shows, or fails with what it showed. */
    String await(String what, int seconds, String target, Closure<Boolean> check) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (true) {
            def s = screen(target)
            if (check(s)) {
                return s
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("${target ?: 'the terminal'} did not show ${what} within ${seconds} s:\n${s}")
            }
            Thread.sleep(100)
        }
    }

    String awaitText(String text, int seconds = 20, String target = null) {
        await("'${text}'", seconds, target) { it.contains(text) }
    }

    @Override
    void close() {
        Proc.run(['tmux', '-L', socket, 'kill-server'])
        statusFile.delete()
    }
}
