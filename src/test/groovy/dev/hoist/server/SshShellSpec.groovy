package dev.hoist.server

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Prereqs
import dev.hoist.support.Registry
import dev.hoist.support.Ssh
import dev.hoist.support.Tmux

import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

/**
 * hoist's shell over SSH, end to end: OpenSSH with a pty ({@code ssh -tt}) in tmux, against
 * {@code hoist serve}'s server in this JVM, pushing to a real registry.
 */
class SshShellSpec extends IntegrationSpec {

    def setupSpec() {
        Prereqs.require(['ssh', 'ssh-keygen', 'tmux'])
    }

    /** hoist's server in this JVM for these keys (authorized_keys), its host key and audit log under tmp. */
    SshServe serve(File... users) {
        def authorized = new File(tmp, 'authorized_keys')
        authorized.text = users.collect { Ssh.publicKey(it) + '\n' }.join('')
        SshServe.start(new SshServe.Settings('127.0.0.1', 0, authorized.toPath(), hostKey().toPath(), 8,
                Duration.ofMinutes(5), new File(tmp, 'state/serve.log').toPath(),
                [PATH: System.getenv('PATH'), DOCKER_CONFIG: new File(tmp, 'docker-config').path, HOME: tmp.path], Shells.HOIST))
    }

    File hostKey() {
        new File(tmp, 'config/ssh_host_ed25519_key')
    }

    def "a background push outlives its dropped connection: the same key sees it in jobs until done, another key does not see it"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg)
        def posts = new AtomicInteger()
        // The first upload start waits 30 s: long enough to drop the connection, come back and look at its dashboard while it runs.
        proxy.rule = { FaultProxy.Seen seen -> seen.method == 'POST' && posts.incrementAndGet() == 1 ? 'stall:30000' : null }
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 150_000], ['app', 40_000]]]])
        def keys = new File(tmp, 'keys')
        def alice = Ssh.key(keys, 'alice', 'ed25519', 'alice@laptop')
        def bob = Ssh.key(keys, 'bob', 'ed25519', 'bob@desk')
        def audit = new File(tmp, 'state/serve.log')
        def server = serve(alice, bob)
        def ssh = new Ssh(new File(tmp, 'ssh'), server.address().port, hostKey())
        def first = new Tmux()
        def again = new Tmux()
        def other = new Tmux()

        when: 'alice types pu and Tab'
        first.start(ssh.command(alice, ['-tt']), 160, 30)
        first.waitFor(/hoist> /)
        first.keys('-l', 'pu')
        first.keys('Tab')

        then: 'the command name is completed over the channel'
        first.waitFor(/(?m)^hoist> push[ ]*$/)

        when: 'she starts a push in the background'
        first.keys('-l', "${archive.path} ${proxy.host}/demo/app:1.0 -q &".toString())
        first.keys('Enter')
        first.waitFor(/\[1\] started/)

        and: 'her connection drops'
        first.close()
        SshSessionTerminalSpec.waitFor(20, { audit.text =~ /shell \d+ hung up exit/ }) { audit.text }

        and: 'she comes back'
        again.start(ssh.command(alice, ['-tt']), 160, 30)
        again.waitFor(/hoist> /)
        again.keys('jobs', 'Enter')

        then: 'the push is still running'
        again.waitFor(/\[1\] push .*running/)

        when: 'she opens its dashboard'
        again.keys('dashboard 1', 'Enter')

        then: 'Lanterna draws it over the channel: the job row and the keys line, no prompt'
        def board = again.waitFor(/\? help\s+q leave/)
        board.contains('demo/app:1.0')
        !(board =~ /hoist> /)

        when: 'q'
        again.keys('q')
        again.waitFor(/(?m)^hoist>[ ]*$/)
        again.keys('jobs', 'Enter')

        then: 'back at the prompt, the job still there and running'
        again.waitFor(/(?s)dashboard 1.*\[1\] push .*running/)

        when: 'it ends'
        def deadline = System.nanoTime() + 60_000_000_000L
        while (!(again.screen() =~ /\[1\] push .*done/) && System.nanoTime() < deadline) {
            again.keys('jobs', 'Enter')
            Thread.sleep(1000)
        }

        then: 'jobs says done, and the image reads back'
        again.waitFor(/\[1\] push .*done.*1 pushed/)
        reg.hasTag('demo/app', '1.0')
        reg.copyOut('demo/app', '1.0', new File(tmp, 'readback')).exists()
        audit.text =~ /alice@laptop SHA256:\S+ shell 1 push \S+ \S+ -q &/
        audit.text =~ /alice@laptop SHA256:\S+ job 1 started: push /
        audit.text =~ /alice@laptop SHA256:\S+ job 1 done: 1 pushed/

        when: 'bob looks for it'
        other.start(ssh.command(bob, ['-tt']), 160, 30)
        other.waitFor(/hoist> /)
        other.keys('jobs', 'Enter')
        other.keys('cancel 1', 'Enter')

        then: 'he neither sees nor controls it'
        other.waitFor(/no job 1/)
        !(other.screen() =~ /\[1\] push/)

        cleanup:
        [first, again, other].each { it?.close() }
        server?.close()
        proxy?.close()
    }

    def "login without -p asks Password: on the session's own terminal over ssh -tt, and reads stdin over an exec without a pty; the secret is nowhere"() {
        given:
        def reg = registry(Registry.Variant.BASIC)
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['app', 60_000]]]])
        def keys = new File(tmp, 'keys')
        def alice = Ssh.key(keys, 'alice', 'ed25519', 'alice@laptop')
        def audit = new File(tmp, 'state/serve.log')
        def server = serve(alice)
        def ssh = new Ssh(new File(tmp, 'ssh'), server.address().port, hostKey())
        def tmux = new Tmux()

        when: 'login in the shell over ssh -tt'
        tmux.start(ssh.command(alice, ['-tt']), 160, 30)
        tmux.waitFor(/hoist> /)
        tmux.keys('-l', "login ${reg.host} -u ${Registry.USER}".toString())
        tmux.keys('Enter')
        tmux.waitFor(/Password: /)
        tmux.keys('-l', Registry.PASSWORD)
        def typed = tmux.screen()
        tmux.keys('Enter')
        def done = tmux.waitFor(/Login Succeeded/, 30)
        tmux.keys('-l', 'exit')
        tmux.keys('Enter')
        SshSessionTerminalSpec.waitFor(20, { audit.text =~ /shell \d+ (hung up )?exit 0/ }) { audit.text }

        then: 'nothing of the secret echoed'
        !typed.contains(Registry.PASSWORD)
        !done.contains(Registry.PASSWORD)
        typed =~ /(?m)^Password: *$/

        and: 'the stored login pushes'
        def push = ssh.exec(alice, ['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '-q'])
        push.exit == 0
        reg.hasTag('demo/app', '1.0')

        when: 'login over an exec without a pty, the password on stdin'
        def exec = ssh.exec(alice, ['login', reg.host, '-u', Registry.USER], Registry.PASSWORD + '\n')

        then:
        exec.exit == 0
        exec.err.contains('Login Succeeded')
        !exec.out.contains(Registry.PASSWORD)
        !exec.err.contains(Registry.PASSWORD)

        and: 'the secret is neither in the audit log nor in the history'
        audit.text.contains("login ${reg.host} -u ${Registry.USER}")
        !audit.text.contains(Registry.PASSWORD)
        def histories = new File(tmp, 'state/ssh-history').listFiles()
        histories.size() == 1
        histories[0].text.contains("login ${reg.host} -u ${Registry.USER}")
        !histories[0].text.contains(Registry.PASSWORD)

        cleanup:
        tmux?.close()
        server?.close()
    }
}
