package dev.hoist.dashboard

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Prereqs
import dev.hoist.support.Tmux
import groovy.json.JsonSlurper

import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The dashboard end to end in a real terminal: hoist runs in tmux (a private server, 100x30) and
 * pushes through a proxy that slows every blob upload; the spec reads the screen with capture-pane
 * and presses keys with send-keys, as a user would.
 */
class DashboardTerminalSpec extends IntegrationSpec {

    Tmux tmux
    FaultProxy proxy
    File runtime

    def setupSpec() {
        Prereqs.require(Prereqs.TOOLS + ['tmux'])
    }

    def setup() {
        runtime = new File(tmp, 'run')
        runtime.mkdirs()
        Files.setPosixFilePermissions(runtime.toPath(), PosixFilePermissions.fromString('rwx------'))
    }

    def cleanup() {
        tmux?.close()
        proxy?.close()
    }

    /** A shell line that runs hoist from the test's classpath in the feature's own dirs, then leaves its exit code. */
    String hoistLine(List<String> args, String name) {
        def java = ProcessHandle.current().info().command().orElse('java')
        def env = [HOIST_CACHE_DIR : new File(tmp, 'cache').path, HOIST_CONFIG_DIR: new File(tmp, 'config').path,
                   DOCKER_CONFIG   : new File(tmp, 'docker-config').path, XDG_RUNTIME_DIR: runtime.path,
                   HOME            : tmp.path]
        def exit = new File(tmp, "${name}.exit")
        "env ${env.collect { k, v -> "${k}=${quote(v)}" }.join(' ')} ${quote(java)} -cp ${quote(System.getProperty('java.class.path'))} " +
                "dev.hoist.cli.Main ${args.collect { quote(it) }.join(' ')}; echo \$? > ${quote(exit.path)}; sleep 600"
    }

    static String quote(String s) {
        "'" + s.replace("'", "'\\''") + "'"
    }

    int awaitExit(String name, long seconds = 60) {
        def file = new File(tmp, "${name}.exit")
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        while (!(file.exists() && file.text.trim())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("hoist ${name} did not end in ${seconds} s:\n${tmux.screen()}" as Object)
            }
            Thread.sleep(100)
        }
        file.text.trim() as int
    }

    /** Six images sharing a base layer; demo/broken fails while {@code broken} is set. */
    File sixImages() {
        def archive = new File(tmp, 'six.tar')
        def names = (1..5).collect { "demo/app${it}" } + ['demo/broken']
        images().dockerArchive(archive, names.collect { n ->
            [tags: ["${n}:1.0".toString()], layers: [['base', 1_000_000], [n.replace('/', '-'), 400_000]]]
        })
        archive
    }

    void slowProxy(AtomicBoolean broken, long stallMillis = 700) {
        def reg = registry()
        proxy = new FaultProxy(reg)
        proxy.rule = { FaultProxy.Seen s ->
            if (broken.get() && s.path.contains('/ns/demo/broken/')) {
                return 'status:500'
            }
            (s.method in ['PUT', 'PATCH'] && s.path.contains('/blobs/uploads/')) ? "stall:${stallMillis}".toString() : null
        }
    }

    def "push --dashboard in a real terminal: the figures, then p, +, r, a resize and q, and the push ends right"() {
        given:
        def broken = new AtomicBoolean(true)
        slowProxy(broken)
        def archive = sixImages()
        def report = new File(tmp, 'report.json')
        tmux = new Tmux()
        tmux.startLine(hoistLine(['push', archive.path, '--to', "${proxy.host}/ns".toString(), '--concurrency', '2',
                                  '--retries', '0', '--dashboard', '--json', report.path], 'push'), 100, 30)

        when: 'the header and the transfers show, and the broken image lands in the failures'
        def screen = tmux.awaitText('failures (1)', 30)

        then:
        screen.contains('RUNNING')
        screen.contains('/6  ✓')
        screen.contains('workers 2')
        screen.contains('demo/broken:1.0')

        when: 'p pauses'
        tmux.type('p')
        screen = tmux.await('PAUSED and the pause noted', 20, null) { it.contains('PAUSED') && it.contains('paused: no new transfer starts') }

        then:
        screen.contains('‖ PAUSED')

        when: '+ adds a worker, and r retries the failure once the registry answers again'
        tmux.type('+')
        tmux.awaitText('workers 3')
        broken.set(false)
        tmux.type('r')
        tmux.awaitText('retrying 1 failed image')

        and: 'a resize redraws at the new size'
        tmux.resize(120, 35)
        screen = tmux.await('the dashboard at 120x35', 20, null) { s -> s.readLines().size() == 35 && s.readLines()[34].contains('q leave') }

        then:
        screen.readLines()[3].contains('PROGRESS')

        when: 'p resumes, q leaves the dashboard and the push goes on to its end'
        tmux.type('p')
        tmux.awaitText('RUNNING')
        tmux.type('q')
        def exit = awaitExit('push')
        screen = tmux.screen()
        def json = new JsonSlurper().parse(report) as Map

        then: 'the summary on the normal screen, exit 0, every image in the registry with the digest reported'
        exit == 0
        screen.contains('6 pushed, 0 up to date, 0 failed')
        json.images.size() == 6
        json.images.every { it.status == 'pushed' }
        json.images.every { img -> proxy.upstream.manifestDigest("ns/${img.target.split('/ns/')[1].split(':')[0]}", '1.0') == img.digest }
    }

    def "hoist ps and hoist attach ID in a second window show and drive a push started without the dashboard"() {
        given: 'a slow push with plain progress lines in the first window'
        def broken = new AtomicBoolean(false)
        slowProxy(broken, 1500)
        def archive = sixImages()
        def report = new File(tmp, 'report.json')
        tmux = new Tmux()
        tmux.startLine(hoistLine(['push', archive.path, '--to', "${proxy.host}/ns".toString(), '--concurrency', '1',
                                  '--progress', 'plain', '--json', report.path], 'push'), 100, 30)
        tmux.awaitText('ns/demo/', 30)

        when: 'hoist ps in a second window lists it, its ID in the first column'
        def ps = tmux.window('ps', hoistLine(['ps'], 'ps'))
        awaitExit('ps')
        def row = tmux.screen(ps).readLines().find { it.contains('hoist push') }

        then:
        tmux.screen(ps).readLines()[0].startsWith('ID')
        row != null

        when: 'hoist attach ID in a third window shows its dashboard, and p pauses it there'
        def id = row.trim().split(/\s+/)[0]
        def attach = tmux.window('attach', hoistLine(['attach', id], 'attach'))
        def screen = tmux.await('its dashboard, drawn to the key line', 30, attach) { it.contains('RUNNING') && it.contains('q leave') }
        tmux.type('p', attach)
        tmux.await('PAUSED and the pause noted', 20, attach) { it.contains('PAUSED') && it.contains('paused: no new transfer starts') }

        then:
        screen.contains('hoist push')
        screen.contains('/6  ✓')

        when: 'p resumes, q leaves the dashboard, and the push ends right in its own window'
        tmux.type('p', attach)
        tmux.awaitText('RUNNING', 20, attach)
        tmux.type('q', attach)
        def attachExit = awaitExit('attach')
        def pushExit = awaitExit('push', 120)
        def json = new JsonSlurper().parse(report) as Map

        then:
        attachExit == 0
        pushExit == 0
        tmux.screen().contains('6 pushed, 0 up to date, 0 failed')
        json.images.every { it.status == 'pushed' }
        json.images.every { img -> proxy.upstream.manifestDigest("ns/${img.target.split('/ns/')[1].split(':')[0]}", '1.0') == img.digest }
    }
    def "a push with nothing to send ends complete in the dashboard, saying its blobs were present or mounted"() {
        given: 'two images already in ns'
        def reg = registry()
        def archive = new File(tmp, 'two.tar')
        images().dockerArchive(archive, (1..2).collect {
            [tags: ["demo/app${it}:1.0".toString()], layers: [['base', 300_000], ["app${it}".toString(), 100_000]]]
        })
        assert hoist(['push', archive.path, '--to', "${reg.host}/ns".toString(), '-q']).exit == 0

        when: 'they go again under a new tag (their blobs are there) and into another namespace (mounted)'
        tmux = new Tmux()
        tmux.startLine(hoistLine(['push', archive.path, '--to', "${reg.host}/ns".toString(), '--add-tag', '2.0',
                                  '--to', "${reg.host}/other".toString(), '--dashboard'], 'push'), 120, 30)
        def screen = tmux.awaitText('Press any key', 60)
        def sent = screen.readLines().find { it.contains(' sent ') }

        then: 'the header says complete, and why nothing was sent'
        sent =~ /sent 0 B of 0 B\s+100% \(nothing to send: \d+ blobs? present, \d+ mounted\)/
        !screen.contains(' 0%')

        when: 'a key leaves it'
        tmux.type('x')

        then:
        awaitExit('push') == 0
    }
}
