package dev.hoist.shell

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.ShellDriver

class ShellJobsSpec extends IntegrationSpec {

    ShellDriver shell

    def cleanup() {
        shell?.close()
    }

    ShellDriver start() {
        shell = ShellDriver.inHome(tmp)
    }

    File archive(String name = 'app') {
        def file = new File(tmp, "${name}.tar")
        images().dockerArchive(file, [[tags: ["demo/${name}:1.0".toString()], layers: [[name, 200_000]]]])
        file
    }

    /** A registry that answers every upload start with 429 and Retry-After: 60: a push that waits until cancelled. */
    FaultProxy stalling(reg) {
        def proxy = new FaultProxy(reg)
        proxy.rule = { FaultProxy.Seen seen -> seen.method == 'POST' ? 'retry-after:60' : null }
        proxy
    }

    def "a push typed in the shell pushes in the foreground; with & it is a background job, listed, announced when done"() {
        given:
        def reg = registry()
        def app = archive()
        start()

        when: 'a push in the foreground'
        int from = shell.line("push ${app.path} ${reg.host}/app:1.0")
        shell.waitFor('1 pushed', from, 60_000)
        shell.prompt(from)

        then:
        shell.text(from).contains("${reg.host}/app:1.0@sha256:")
        reg.hasTag('app', '1.0')

        when: 'the same in the background'
        from = shell.line("push ${app.path} ${reg.host}/copy:2.0 &")
        shell.waitFor('[2] started', from)
        shell.waitFor('[2] done: 1 pushed, 0 failed', from, 60_000)
        from = shell.line('jobs')
        shell.waitFor('[2] push', from)

        then:
        shell.text(from).contains('[1] push')
        shell.text(from).contains('done')
        reg.hasTag('copy', '2.0')
    }

    def "Ctrl-C during a foreground push cancels the push, prints its summary, and the shell stays"() {
        given:
        def reg = registry()
        def proxy = stalling(reg)
        def app = archive()
        start()

        when: 'hoist is waiting out the registry'
        int from = shell.line("push ${app.path} ${proxy.host}/app:1.0 --progress")
        def deadline = System.currentTimeMillis() + 30_000
        while (!proxy.seen.any { it.fault == 'retry-after:60' } && System.currentTimeMillis() < deadline) {
            Thread.sleep(50)
        }
        Thread.sleep(300)
        shell.type('\u0003')
        shell.waitFor('cancelled:', from, 15_000)
        shell.prompt(from)
        from = shell.line('20 + 22')
        shell.waitFor('42', from)

        then:
        !reg.hasTag('app', '1.0')

        when:
        shell.line('exit')

        then: 'the cancelled push is the last failure'
        shell.awaitExit() == 130

        cleanup:
        proxy?.close()
    }

    def "exit with a running job asks first; exit again cancels it and leaves"() {
        given:
        def reg = registry()
        def proxy = stalling(reg)
        def app = archive()
        start()

        when:
        int from = shell.line("push ${app.path} ${proxy.host}/app:1.0 &")
        shell.waitFor('[1] started', from)
        from = shell.line('pause 1')
        shell.prompt(from)
        from = shell.line('jobs')
        shell.waitFor('paused', from)
        from = shell.line('resume 1')
        shell.prompt(from)
        from = shell.line('limit 1 20MB/s')
        shell.prompt(from)
        from = shell.line('jobs')
        shell.waitFor('limit 20.0 MB/s', from)
        from = shell.line('exit')
        shell.waitFor('job [1] is running: exit again (or exit --force) cancels it', from)
        shell.prompt(from)

        then:
        shell.exit == null

        when:
        shell.line('exit')

        then:
        shell.awaitExit() == 0
        shell.jobs.get(1).get().state().name() == 'CANCELLED'
        !reg.hasTag('app', '1.0')

        cleanup:
        proxy?.close()
    }

    def "a session read from stdin waits for its background jobs at the end"() {
        given:
        def reg = registry()
        def app = archive()

        when:
        def run = hoist(['shell'], [HOME: tmp.path], """\
push ${app.path} ${reg.host}/app:1.0 &
jobs
wait 1
""")

        then:
        run.exit == 0
        run.err.contains('[1] started')
        run.out.readLines().any { it.startsWith('[1] push') }
        run.out.contains('[1] done: 1 pushed, 0 failed')
        reg.hasTag('app', '1.0')
    }

    def "-v belongs to its line: a verbose background push keeps its debug lines while later lines run quiet"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg)
        // The background push waits 3 s at its first upload start: later lines run meanwhile.
        def posts = new java.util.concurrent.atomic.AtomicInteger()
        proxy.rule = { FaultProxy.Seen seen -> seen.method == 'POST' && posts.incrementAndGet() == 1 ? 'stall:3000' : null }
        def app = archive()
        def other = archive('other')
        start()

        when:
        int from = shell.line("push -v ${app.path} ${proxy.host}/app:1.0 -q &")
        shell.waitFor('[1] started', from)
        int quiet = shell.line("push ${other.path} ${reg.host}/other:1.0 -q")
        shell.waitFor("${reg.host}/other:1.0@sha256:", quiet, 60_000)
        int quietEnd = shell.mark()
        shell.waitFor('[1] done: 1 pushed', from, 60_000)

        then: 'the quiet push printed no debug line (the background one\'s share the terminal)'
        // A debug line may land right after an echoed command line: only what follows DEBUG is the log's.
        shell.text(0).readLines().findAll { it.contains('DEBUG') && it.substring(it.indexOf('DEBUG')).contains(reg.host) } == []
        shell.text(0).readLines().any { it.contains('DEBUG') && it.contains("credentials for ${proxy.host}") }

        and: 'the verbose one logged up to its manifest, after the quiet line had run'
        shell.text(quietEnd) =~ /DEBUG .*PUT \S*\/v2\/app\/manifests\/1\.0 -> 201/

        cleanup:
        proxy?.close()
    }
}
