package dev.hoist.server

import dev.hoist.cli.Main
import dev.hoist.engine.Jobs
import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Prereqs
import dev.hoist.support.Ssh
import dev.hoist.support.Tmux
import org.jline.terminal.Terminal

import java.nio.file.Path
import java.time.Duration

/**
 * The terminal an interactive SSH session gets, seen through a small shell of the spec's own that
 * reports what it was given: OpenSSH in tmux for a real pty, {@code ssh -T} for none.
 */
class SshSessionTerminalSpec extends IntegrationSpec {

    File alice
    SshServe server
    Ssh ssh

    /** Says what it got, then echoes lines until "exit" (status 3); tells Ctrl-C and resizes as they come. */
    static final Shells REPORTER = { Terminal t, Main.Io io, Jobs jobs, String user, Path history, Map<String, String> env, lines ->
        [run: { -> report(t, io, user, history) }, hangUp: { -> }] as Shells.Session
    } as Shells

    static int report(Terminal t, Main.Io io, String user, Path history) {
        t.handle(Terminal.Signal.INT, { io.out().println('interrupted') } as Terminal.SignalHandler)
        t.handle(Terminal.Signal.WINCH, { io.out().println("resized ${t.width}x${t.height}") } as Terminal.SignalHandler)
        io.out().println("hello ${user} ${t.width}x${t.height} ${t.type} ${t.encoding().name()} history ${history.fileName}")
        def lines = new BufferedReader(t.reader())
        String line
        while ((line = lines.readLine()) != null) {
            if (line == 'exit') {
                return 3
            }
            io.out().println("you said ${line}")
        }
        0
    }

    def setupSpec() {
        Prereqs.require(['ssh', 'ssh-keygen', 'tmux'])
    }

    def setup() {
        def keys = new File(tmp, 'keys')
        alice = Ssh.key(keys, 'alice', 'ed25519', 'alice@laptop')
        def authorized = new File(tmp, 'authorized_keys')
        authorized.text = Ssh.publicKey(alice) + '\n'
        def hostKey = new File(tmp, 'config/ssh_host_ed25519_key')
        server = SshServe.start(new SshServe.Settings('127.0.0.1', 0, authorized.toPath(), hostKey.toPath(), 8,
                Duration.ofMinutes(5), new File(tmp, 'state/serve.log').toPath(), [PATH: System.getenv('PATH')], REPORTER))
        ssh = new Ssh(new File(tmp, 'ssh'), server.address().port, hostKey)
    }

    def cleanup() {
        server?.close()
    }

    def "with a pty: the client's size and type, resizes followed, Ctrl-C as a signal, lines echoed, the exit status back"() {
        given:
        def tmux = new Tmux()

        when:
        tmux.start(ssh.command(alice, ['-tt']), 100, 30)

        then:
        tmux.waitFor(/hello alice@laptop 100x30 (screen|tmux)\S* UTF-8 history alice@laptop/)

        when:
        tmux.resize(120, 40)

        then:
        tmux.waitFor(/resized 120x40/)

        when:
        tmux.keys('C-c')
        tmux.keys('hi there', 'Enter')

        then:
        tmux.waitFor(/interrupted/)
        tmux.waitFor(/you said hi there/)

        when:
        tmux.keys('exit', 'Enter')

        then:
        waitFor { tmux.exitStatus() != null }
        tmux.exitStatus() == 3

        cleanup:
        tmux.close()
    }

    def "without a pty (ssh -T): a dumb 80x24 terminal that reads lines"() {
        when:
        def run = ssh.exec(alice, [], "one\nexit\n", ['-T'])

        then:
        run.exit == 3
        run.out.contains('hello alice@laptop 80x24 dumb UTF-8')
        run.out.contains('you said one')
    }

    def "a client that goes away ends its session's thread and the session is logged closed"() {
        given:
        def tmux = new Tmux()
        tmux.start(ssh.command(alice, ['-tt']), 80, 24)
        tmux.waitFor(/hello alice@laptop/)
        def sessionThreads = Thread.allStackTraces.keySet().findAll { it.name.startsWith('hoist-ssh-shell-') }

        when:
        tmux.close()

        then:
        !sessionThreads.isEmpty()
        waitFor(20, {
            // MINA logs the session closed once the channel has closed, a moment after the shell's end.
            new File(tmp, 'state/serve.log').text =~ /shell \d+ hung up exit/ && sessionThreads.every { !it.alive }
                    && new File(tmp, 'state/serve.log').text.contains('session closed')
        }) { "${new File(tmp, 'state/serve.log').text} threads: ${sessionThreads.findAll { it.alive }*.name}" }
    }

    def "an exec with a pty (ssh -t HOST push ...): output lines start at the left edge, Ctrl-C cancels the push with exit 130"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg).holdingUploads()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['app', 100_000]]]])
        def tmux = new Tmux()

        when:
        tmux.start(ssh.command(alice, ['-tt'], ['push', archive.path, "${proxy.host}/demo/app:1.0".toString()]), 200, 30)
        def screen = tmux.waitFor(/retrying in 60[\s\S]*retrying in 60/, 60)

        then: 'no staircase: every line of the push starts in the first column'
        def lines = screen.readLines().findAll { it.contains('retrying in 60') }
        lines.size() >= 2
        lines.every { it.startsWith('retrying in 60') }

        when:
        tmux.keys('C-c')

        then:
        waitFor(30) { tmux.exitStatus() != null }
        tmux.exitStatus() == 130
        !reg.hasTag('demo/app', '1.0')
        new File(tmp, 'state/serve.log').text =~ /exec \d+ exit 130/

        cleanup:
        tmux.close()
        proxy?.close()
    }

    def "an exec with a pty draws live progress for the client's terminal size, not the server's environment"() {
        given: 'a push held at its upload starts, to a repository whose name is wider than the client\'s terminal'
        def reg = registry()
        def proxy = new FaultProxy(reg).holdingUploads()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['app', 100_000]]]])
        def repository = 'demo/' + 'a-rather-long-repository-name-' * 3 + 'end'
        def tmux = new Tmux()

        when: 'ssh -tt in a 50-column terminal'
        tmux.start(ssh.command(alice, ['-tt'], ['push', archive.path, "${proxy.host}/${repository}:1.0".toString()]), 50, 30)
        def screen = tmux.waitFor(/images 0\/1/, 60)
        def named = (screen =~ /(?:wait|retry|push) sha256:[0-9a-f]{12} (\S+)/).collect { it[1] }

        then: 'a row per transfer, its repository cut in the middle to fit 50 columns (the server has no COLUMNS: whole)'
        !named.isEmpty()
        named.every { it.length() < 30 && it.startsWith('demo/a-') && it.contains('..') && it.endsWith('-end') }

        cleanup:
        tmux.close()
        proxy?.close()
    }

    static void waitFor(int seconds = 20, Closure<Boolean> condition, Closure<String> why = { '' }) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (!condition()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within ${seconds} s ${why()}")
            }
            Thread.sleep(100)
        }
    }
}
