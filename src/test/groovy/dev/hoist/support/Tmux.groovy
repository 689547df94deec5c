package dev.hoist.support

/**
 * A private tmux server ({@code tmux -L hoist-...}, never the default one) running one command in
 * a window of a given size, read back with capture-pane and driven with send-keys.
 */
class Tmux implements Closeable {

    final String socket = "hoist-${UUID.randomUUID().toString().take(8)}"

    void start(List<String> command, int columns, int rows) {
        Proc.ok(['tmux', '-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', "${columns}".toString(), '-y', "${rows}".toString(),
                 command.collect { "'" + it.replace("'", "'\\''") + "'" }.join(' ')])
        Proc.ok(['tmux', '-L', socket, 'set-option', '-g', 'remain-on-exit', 'on'])
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
        def r = Proc.run(['tmux', '-L', socket, 'display-message', '-p', '#{pane_dead}:#{pane_dead_status}'])
        def parts = r.out.trim().split(':')
        parts[0] == '1' ? parts[1] as Integer : null
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

    @Override
    void close() {
        Proc.run(['tmux', '-L', socket, 'kill-server'])
    }
}
