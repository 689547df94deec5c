package dev.hoist.server

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Prereqs
import dev.hoist.support.Proc
import dev.hoist.support.Registry
import dev.hoist.support.Ssh

import java.nio.file.Files
import java.time.Duration

/** {@code hoist serve --ssh} against the OpenSSH client, pushing to a real registry. */
class SshServeSpec extends IntegrationSpec {

    File keys
    File alice
    File authorized
    File archive
    final List<SshServe> servers = []

    def setupSpec() {
        Prereqs.require(['ssh', 'ssh-keygen'])
    }

    def setup() {
        keys = new File(tmp, 'keys')
        alice = Ssh.key(keys, 'alice', 'ed25519', 'alice@laptop')
        authorized = new File(tmp, 'authorized_keys')
        authorized.text = Ssh.publicKey(alice) + '\n'
        archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 200_000], ['app', 50_000]]]])
    }

    def cleanup() {
        servers.each { it.close() }
    }

    SshServe serve(Map overrides = [:]) {
        def s = SshServe.start(new SshServe.Settings('127.0.0.1', 0, authorized.toPath(),
                (overrides.hostKey ?: new File(tmp, 'config/ssh_host_ed25519_key')).toPath(),
                (overrides.maxSessions ?: 32) as int, (overrides.idle ?: Duration.ofMinutes(30)) as Duration,
                new File(tmp, 'state/serve.log').toPath(),
                [PATH: System.getenv('PATH'), DOCKER_CONFIG: new File(tmp, 'docker-config').path, HOME: tmp.path],
                overrides.shells as Shells))
        servers << s
        s
    }

    Ssh ssh(SshServe server, File hostKey = new File(tmp, 'config/ssh_host_ed25519_key')) {
        new Ssh(new File(tmp, 'ssh'), server.address().port, hostKey)
    }

    String audit() {
        new File(tmp, 'state/serve.log').text
    }

    def "an exec push over ssh exits 0, prints the digest on stdout and the summary on stderr, and the image reads back"() {
        given:
        def reg = registry()
        def server = serve()

        when:
        def run = ssh(server).exec(alice, ['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '-q'])

        then:
        run.exit == 0
        def printed = run.out.trim()
        printed ==~ /${reg.host}\/demo\/app:1\.0@sha256:[a-f0-9]{64}/
        !run.err.contains('sha256:')
        reg.manifestDigest('demo/app', '1.0') == printed.substring(printed.indexOf('@') + 1)
        reg.copyOut('demo/app', '1.0', new File(tmp, 'readback')).exists()
        audit() =~ /alice@laptop SHA256:\S+ session opened/
        audit() =~ /alice@laptop SHA256:\S+ exec 1 push \S+ \S+ -q/
        audit().contains('exec 1 exit 0')
    }

    def "exit codes carry over: 2 for bad input, 1 for a push the registry refused"() {
        given:
        def locked = registry(Registry.Variant.BASIC)
        def server = serve()
        def ssh = ssh(server)

        when:
        def missing = ssh.exec(alice, ['push', new File(tmp, 'no-such.tar').path, "${locked.host}/demo/app:1.0".toString()])
        def refused = ssh.exec(alice, ['push', archive.path, "${locked.host}/demo/app:1.0".toString(), '-q'])
        def quoted = ssh.exec(alice, ["push 'unterminated".toString()])

        then:
        missing.exit == 2
        missing.err.contains('no-such.tar')
        missing.out.isEmpty()
        refused.exit == 1
        !locked.hasTag('demo/app', '1.0')
        quoted.exit == 2
        quoted.err.contains('unterminated')
    }

    def "only keys in authorized_keys log in, ed25519 and RSA alike; passwords are refused; the file is re-read when it changes"() {
        given:
        def server = serve()
        def ssh = ssh(server)
        def rsa = Ssh.key(keys, 'rsa-user', 'rsa')

        when:
        def password = ssh.exec(null, ['--version'], null, ['-o', 'PreferredAuthentications=password,keyboard-interactive'])
        def unknown = ssh.exec(rsa, ['--version'])
        def ed25519 = ssh.exec(alice, ['--version'])

        then:
        password.exit == 255
        password.err.contains('Permission denied (publickey)')
        unknown.exit == 255
        unknown.err.contains('Permission denied (publickey)')
        ed25519.exit == 0
        ed25519.out.startsWith('hoist ')

        when: 'the RSA key is added, without a comment'
        Thread.sleep(1100) // a modification time the watcher can tell from the first one
        authorized << Ssh.publicKey(rsa) + '\n'
        def fingerprint = Proc.ok(['ssh-keygen', '-l', '-E', 'sha256', '-f', rsa.path + '.pub']).split(' ')[1]
        def added = ssh.exec(rsa, ['--version'])

        then: 'it logs in, named by its fingerprint'
        added.exit == 0
        audit().contains("${fingerprint} ${fingerprint} session opened")
    }

    def "the host key is made once with mode 0600 and is the same after a restart"() {
        given:
        def hostKey = new File(tmp, 'config/ssh_host_ed25519_key')

        when:
        def first = serve()
        def firstPrint = first.fingerprint()
        def firstPort = first.address().port
        def ssh = ssh(first)
        first.close()
        def second = serve()
        def again = new Ssh(new File(tmp, 'ssh2'), second.address().port, hostKey)
        // the known_hosts written for the first server, under the second one's port
        again.knownHosts.text = ssh.knownHosts.text.replace("]:${firstPort} ", "]:${second.address().port} ")

        then:
        second.fingerprint() == firstPrint
        second.keyType() == 'ssh-ed25519'
        Files.getPosixFilePermissions(hostKey.toPath())*.toString().sort() == ['OWNER_READ', 'OWNER_WRITE']
        Proc.ok(['ssh-keygen', '-l', '-E', 'sha256', '-f', hostKey.path]).split(' ')[1] == firstPrint
        again.exec(alice, ['--version']).exit == 0
    }

    def "a host key file that cannot be read stops the server with one line instead of making a new key"() {
        given:
        def bad = new File(tmp, 'bad_host_key')
        bad.text = 'not a key\n'

        when:
        serve(hostKey: bad)

        then:
        def e = thrown(dev.hoist.HoistException)
        e.message.startsWith("cannot read the host key ${bad.path}")
        bad.text == 'not a key\n'
    }

    def "a quiet command outlives the idle timeout, an idle session does not; secrets typed stay out of the audit log"() {
        given:
        def reg = registry(Registry.Variant.BASIC)
        def server = serve(idle: Duration.ofSeconds(2))
        def ssh = ssh(server)

        when: 'a push waits 5 s for its password on stdin, sending nothing'
        def push = ssh.start(alice, ['push', '-u', Registry.USER, '--password-stdin', archive.path, "${reg.host}/demo/app:1.0".toString(), '-q'])
        Thread.sleep(5000)
        push.outputStream.withWriter { it << Registry.PASSWORD }
        def pushOut = push.inputStream.text
        def pushErr = push.errorStream.text

        then:
        push.waitFor() == 0
        pushOut.contains("${reg.host}/demo/app:1.0@sha256:")
        reg.hasTag('demo/app', '1.0')

        when: 'a session sits with no command'
        def started = System.nanoTime()
        def idle = ssh.start(alice, [], ['-N'])
        def ended = idle.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)

        then: 'it is closed after about the idle timeout'
        ended
        Duration.ofNanos(System.nanoTime() - started) >= Duration.ofSeconds(2)

        when: 'a password given on the command line'
        def flagged = ssh.exec(alice, ['push', '-u', Registry.USER, '-p', Registry.PASSWORD, archive.path, "${reg.host}/demo/app:2.0".toString(), '-q'])

        then: 'it is used, and masked in the audit log'
        flagged.exit == 0
        audit() =~ /exec \d+ push -u ${Registry.USER} -p \*+ /
        !audit().contains(Registry.PASSWORD)
        pushErr != null
    }

    def "run - reads the script from stdin over an exec: it pushes and exits with the script's status; a mistake is one line and exit 2"() {
        given:
        def reg = registry()
        def locked = registry(Registry.Variant.BASIC)
        def server = serve()
        def ssh = ssh(server)
        def plan = { String host -> """registry 'r', { host '${host}' }
plan 'p', {
    from archives('${archive.path}')
    to registry('r')
}
push 'p'
""" }

        when:
        def pushed = ssh.exec(alice, ['run', '-'], plan(reg.host))
        def refused = ssh.exec(alice, ['run', '-'], plan(locked.host))
        def mistaken = ssh.exec(alice, ['run', '-'], "plan 'p', {\n    from archives('${archive.path}')\n    to registri('r')\n}\npush 'p'\n".toString())

        then: 'the plan pushed, its reference on stdout'
        pushed.exit == 0
        pushed.out.trim() ==~ /${reg.host}\/demo\/app:1\.0@sha256:[a-f0-9]{64}/
        reg.manifestDigest('demo/app', '1.0') == pushed.out.trim().split('@')[1]

        and: 'a push the registry refused is exit 1'
        refused.exit == 1
        !locked.hasTag('demo/app', '1.0')

        and: 'a mistake in the script: exit 2, one line naming where, nothing pushed'
        mistaken.exit == 2
        mistaken.err.readLines().findAll { it.trim() } == mistaken.err.readLines().findAll { it.contains('<stdin>:3:') }
        mistaken.err.readLines().count { it.trim() } == 1
        mistaken.err.contains("did you mean 'registry'")
        mistaken.out.isEmpty()
    }

    def "sessions past --max-sessions are refused"() {
        given:
        def server = serve(maxSessions: 1)
        def ssh = ssh(server)
        def first = ssh.start(alice, [], ['-N'])
        waitFor { audit().contains('session opened') }

        when:
        def second = ssh.exec(alice, ['--version'])

        then:
        second.exit == 255
        second.err.contains('too many sessions')
        audit().contains('--max-sessions 1 reached')

        cleanup:
        first?.destroy()
    }

    def "ten concurrent sessions each push their own image correctly, shells push plans of the DSL, and the server's threads go back to where they were"() {
        given:
        def reg = registry()
        def server = serve(shells: Shells.HOIST)
        def ssh = ssh(server)
        def archives = (1..10).collect { n ->
            def f = new File(tmp, "app-${n}.tar")
            images().dockerArchive(f, [[tags: ["demo/app${n}:1.0".toString()], layers: [['base', 200_000], ["own-${n}".toString(), 40_000]]]])
            f
        }
        assert ssh.exec(alice, ['--version']).exit == 0 // the server's own threads, started once
        def baseline = threads()

        when:
        def runs = archives.withIndex(1).collect { f, n -> ssh.start(alice, ['push', f.path, "${reg.host}/demo/app${n}:1.0".toString(), '-q']) }
        def results = runs.collect { p ->
            def out = new StringBuilder(), err = new StringBuilder()
            p.waitForProcessOutput(out, err)
            [exit: p.exitValue(), out: out.toString().trim(), err: err.toString()]
        }

        then:
        results.every { it.exit == 0 }
        (1..10).every { n ->
            def printed = results[n - 1].out
            printed.startsWith("${reg.host}/demo/app${n}:1.0@") && printed.endsWith(reg.manifestDigest("demo/app${n}", '1.0'))
        }

        when: 'four shell sessions (no pty) each push a plan of the DSL, start a build(...) push in the background and hang up'
        def site = site()
        def shellRuns = (1..4).collect { n ->
            shell(ssh, """registry 'r', { host '${reg.host}' }
plan 'p', {
    from archives('${archives[n - 1].path}')
    to registry('r')
    addTag 'dsl'
}
plan 'q', {
    from build('${site.path}') { tag 'demo/site${n}:1.0' }
    to registry('r')
}
def r = push 'p'
println "pushed \${r.pushed.size()}"
push 'q' &
""")
        }.collect { it.call() }

        then: 'each pushed, in the foreground and in the background'
        shellRuns.every { it.contains('pushed 1') }
        (1..4).every { n -> reg.manifestDigest("demo/app${n}", 'dsl') == reg.manifestDigest("demo/app${n}", '1.0') }
        waitFor(60) { (1..4).every { n -> reg.hasTag("demo/site${n}", '1.0') } }

        and: 'each session closed its DSL session: the archives its build(...) made are gone'
        waitFor(20) { audit().findAll(/shell \d+ hung up exit/).size() == 4 } { audit() }
        waitFor(10) { spoolBuilds().isEmpty() } { "left in the spool: ${spoolBuilds()}" }
        waitFor(30) {
            System.gc()
            def extra = threads() - baseline
            // MINA's I/O pool grows up to a fixed size (cores + 1) and keeps its threads, as does the
            // process's one gzip pool (one per core); nothing else may stay.
            extra.findAll { !it.startsWith('hoist-gzip-') }.every { it.contains('nio2') }
                    && extra.count { it.contains('nio2') } <= Runtime.runtime.availableProcessors() + 1
        } { "threads left: ${threads() - baseline}" }
    }

    def "a background push of a shell outlives its dropped connection; its build(...) archive is removed only once it has ended"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg)
        // Uploads start 4 s late: the session is gone while the push still has to read the built archive.
        proxy.rule = { FaultProxy.Seen seen -> seen.method == 'POST' ? 'stall:4000' : null }
        def server = serve(shells: Shells.HOIST)
        def ssh = ssh(server)
        def site = site()

        when:
        def out = shell(ssh, """plan 'q', {
    from build('${site.path}') { tag 'demo/site:1.0' }
    to '${proxy.host}'
}
push 'q' &
""").call()
        waitFor(20) { audit() =~ /shell \d+ hung up exit/ } { audit() }
        def whileRunning = spoolBuilds()
        def runningThen = !(audit() =~ /job \d+ done/)

        then: 'the job was still running, with its archive, when the session ended'
        out.contains('[1] started')
        runningThen
        whileRunning.size() == 1

        and: 'it pushed, and then the archive went'
        waitFor(60) { audit() =~ /job 1 done: 1 pushed/ } { audit() }
        reg.hasTag('demo/site', '1.0')
        waitFor(10) { spoolBuilds().isEmpty() } { "left in the spool: ${spoolBuilds()}" }

        cleanup:
        proxy?.close()
    }

    File site() {
        def site = new File(tmp, 'site')
        site.mkdirs()
        new File(site, 'index.html').text = '<h1>hoist</h1>\n'
        site
    }

    List<String> spoolBuilds() {
        def spool = new File(tmp, 'cache/spool')
        spool.exists() ? spool.list().findAll { it.startsWith('build-') } : []
    }

    /**
     * A shell session without a pty ({@code ssh -T}) that is sent {@code script}, and whose
     * connection drops once a background push has started. Returns what gives its output when it has ended.
     */
    Closure<String> shell(Ssh ssh, String script) {
        def p = ssh.start(alice, [], ['-T'])
        def out = new StringBuffer(), err = new StringBuffer()
        p.consumeProcessOutput(out, err)
        p.outputStream.write(script.getBytes('UTF-8'))
        p.outputStream.flush()
        return {
            waitFor(60, { out.toString().contains('] started') }) { "out: ${out} err: ${err}" }
            p.outputStream.close()
            assert p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)
            out.toString()
        }
    }

    def "-v belongs to one command: a verbose push gets its debug lines on its own stderr while a concurrent quiet push gets none"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg)
        def posts = new java.util.concurrent.atomic.AtomicInteger()
        // The verbose push's first upload start waits 8 s: the quiet one starts, runs and ends meanwhile.
        proxy.rule = { FaultProxy.Seen seen -> seen.method == 'POST' && posts.incrementAndGet() == 1 ? 'stall:8000' : null }
        def other = new File(tmp, 'other.tar')
        images().dockerArchive(other, [[tags: ['demo/other:1.0'], layers: [['other', 60_000]]]])
        def server = serve()
        def ssh = ssh(server)

        when:
        def verbose = ssh.start(alice, ['push', '-v', archive.path, "${proxy.host}/demo/app:1.0".toString(), '-q'])
        def verboseOut = new StringBuffer(), verboseErr = new StringBuffer()
        verbose.consumeProcessOutput(verboseOut, verboseErr)
        waitFor(30) { proxy.seen.any { it.method == 'POST' } }
        def quiet = ssh.exec(alice, ['push', other.path, "${reg.host}/demo/other:1.0".toString(), '-q'])
        def overlapped = verbose.alive
        verbose.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)

        then: 'both pushed, the quiet one while the verbose one was under way'
        quiet.exit == 0
        overlapped
        [verbose.exitValue(), verboseErr.toString()] == [0, verboseErr.toString()]
        reg.hasTag('demo/app', '1.0')
        reg.hasTag('demo/other', '1.0')

        and: 'the verbose push has its own debug lines, from its workers too and after the quiet push ended'
        def lines = verboseErr.toString().readLines()
        lines.any { it.contains(' DEBUG ') && it.contains("credentials for ${proxy.host}") }
        lines.any { it.contains(' DEBUG ') && it =~ /PUT \S*\/v2\/demo\/app\/manifests\/1\.0 -> 201/ }
        !verboseErr.toString().contains('demo/other')
        !verboseErr.toString().contains('ServerSessionImpl') // the SSH server's own logs are the server's

        and: 'the quiet push has none, and none of the other push'
        !quiet.err.contains('DEBUG')
        !quiet.err.contains(proxy.host)
        !quiet.err.contains('demo/app')

        cleanup:
        verbose?.destroyForcibly()
        proxy?.close()
    }

    def "hoist serve --ssh prints its address and host key fingerprint, keeps its files under HOME; SIGTERM cancels running pushes with their summary and ends every session"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg).holdingUploads()
        def home = new File(tmp, 'home')
        new File(home, '.ssh').mkdirs()
        new File(home, '.ssh/authorized_keys').text = Ssh.publicKey(alice) + '\n'
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def pb = new ProcessBuilder(java, "-Duser.home=${home}".toString(), '-cp', System.getProperty('java.class.path'),
                'dev.hoist.cli.Main', 'serve', '--ssh', '--listen', '127.0.0.1:0')
        ['XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'HOIST_CONFIG_DIR', 'HOIST_STATE_DIR', 'HOIST_CACHE_DIR'].each { pb.environment().remove(it) }
        pb.environment().HOME = home.path
        def err = new File(tmp, 'serve.err')
        pb.redirectError(err)
        def server = pb.start()

        when:
        def line = new BufferedReader(new InputStreamReader(server.inputStream)).readLine()
        def hostKey = new File(home, '.config/hoist/ssh_host_ed25519_key')
        def port = (line =~ /ssh on 127\.0\.0\.1:(\d+),/)[0][1] as int
        def ssh = new Ssh(new File(tmp, 'ssh'), port, hostKey)
        def session = ssh.start(alice, [], ['-N'])
        def push = ssh.start(alice, ['push', archive.path, "${proxy.host}/demo/app:1.0".toString()])
        def pushErr = new StringBuffer()
        def reader = Thread.start { push.errorStream.eachLine { pushErr.append(it).append('\n') } }
        waitFor(60, { proxy.seen.any { it.fault == 'retry-after:60' } }) { "push said: ${pushErr}; proxy saw ${proxy.seen*.method}" }
        def log = new File(home, '.local/state/hoist/serve.log')
        server.destroy()

        then:
        line ==~ /hoist serve: ssh on 127\.0\.0\.1:\d+, host key SHA256:\S+ \(ssh-ed25519\), audit log .*serve\.log/
        line.contains(Proc.ok(['ssh-keygen', '-l', '-E', 'sha256', '-f', hostKey.path]).split(' ')[1])
        server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)
        server.exitValue() == 143
        push.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)
        reader.join(5000) || true
        [push.exitValue(), pushErr.toString(), log.text] == [130, pushErr.toString(), log.text]
        pushErr.toString().contains('cancelled')
        session.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)
        err.text.contains('hoist serve: stopped')
        log.text =~ /exec \d+ exit 130/
        log.text.contains('session closed')
        log.text.contains('server stopped')
        !reg.hasTag('demo/app', '1.0')

        cleanup:
        server?.destroyForcibly()
        session?.destroyForcibly()
        push?.destroyForcibly()
        proxy?.close()
    }

    def "serve refuses bad options with one line and exit 2"() {
        expect:
        def run = hoist(args)
        run.exit == 2
        run.err.contains(message)

        where:
        args                                                        | message
        ['serve']                                                   | '--ssh'
        ['serve', '--ssh', '--listen', 'anywhere']                  | '--listen wants HOST:PORT'
        ['serve', '--ssh', '--idle-timeout', 'soon']                | 'a duration is a number and a unit'
        ['serve', '--ssh', '--max-sessions', '0']                   | '--max-sessions wants 1 or more'
    }

    static Set<String> threads() {
        // The JDK's reapers of this spec's own ssh processes are the client's, not the server's.
        Thread.getAllStackTraces().keySet().findAll { it.alive && it.name != 'process reaper' }.collect { "${it.name}#${it.id}".toString() } as Set
    }

    static void waitFor(int seconds = 15, Closure<Boolean> condition, Closure<String> why = { '' }) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (!condition()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within ${seconds} s ${why()}")
            }
            Thread.sleep(100)
        }
    }
}
