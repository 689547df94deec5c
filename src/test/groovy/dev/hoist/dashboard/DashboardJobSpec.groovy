package dev.hoist.dashboard

import com.googlecode.lanterna.input.KeyType
import dev.hoist.credentials.CredentialStore
import dev.hoist.engine.BlobInfoCache
import dev.hoist.engine.JobState
import dev.hoist.engine.Jobs
import dev.hoist.engine.PlanBuilder
import dev.hoist.engine.PushEngine
import dev.hoist.engine.Registries
import dev.hoist.registry.RegistryOptions
import dev.hoist.support.IntegrationSpec

import java.util.concurrent.TimeUnit

/** The dashboard over a real job pushing to a real registry, read back from Lanterna's virtual terminal. */
class DashboardJobSpec extends IntegrationSpec {

    def "the dashboard drives a real push: p pauses and resumes it, the end shows its result until a key"() {
        given: 'six images, about 2.3 MB to send, held to 600 kB/s so the push lasts a few seconds'
        def reg = registry()
        def archive = new File(tmp, 'six.tar')
        images().dockerArchive(archive, (1..6).collect { n ->
            [tags: ["demo/svc${n}:1.0".toString()], layers: [['base', 800_000], ["own${n}".toString(), 250_000]]]
        })
        def plan = new PlanBuilder().source(archive.path).to("${reg.host}/ns".toString()).concurrency(2).build()
        def jobs = new Jobs(new PushEngine(new Registries(CredentialStore.anonymous(), RegistryOptions.defaults()),
                new BlobInfoCache(null)))
        def job = jobs.submit('push six', plan, null, 600_000, [])
        def screen = new VirtualScreen(100, 30)
        def shown = Thread.start { Dashboard.show(job, screen, false) }

        when:
        screen.awaitText('RUNNING', 10)
        screen.type('p')
        screen.awaitText('PAUSED')

        then:
        job.state() == JobState.PAUSED

        when:
        screen.type('p')
        def end = screen.awaitText('Press any key', 60)
        def result = job.await()

        then: 'the final figures are the result\'s'
        result.ok()
        end.contains('✓ DONE')
        end.contains("images 6/6  ✓ ${result.pushed()} pushed  = 0 up to date  ✗ 0 failed")
        end.contains("sent ${Units.bytes(result.bytesSent())} of ${Units.bytes(result.bytesSent())}  100%")
        end.contains('limit 600.0 kB/s')
        end.contains('no transfer in flight')
        shown.alive

        when:
        screen.press(KeyType.Enter)
        shown.join(TimeUnit.SECONDS.toMillis(5))

        then:
        !shown.alive

        cleanup:
        jobs?.close()
    }

    def "a registry that never answers is one error in the job\'s log, every image it stopped failed"() {
        given: '4 images to a port nothing listens on'
        def archive = new File(tmp, 'four.tar')
        images().dockerArchive(archive, (1..4).collect { [tags: ["demo/app${it}:1".toString()], layers: [["l${it}".toString(), 1_000]]] })
        def port = dev.hoist.support.Registry.freePort()
        def plan = new PlanBuilder().source(archive.path).to("127.0.0.1:${port}/ns".toString()).build()
        def jobs = new Jobs(new PushEngine(new Registries(CredentialStore.anonymous(), RegistryOptions.defaults()),
                new BlobInfoCache(null)))

        when:
        def job = jobs.submit('push four', plan, null, 0, [])
        def result = job.await()
        def snapshot = job.snapshot()

        then:
        result.failed() == 4
        snapshot.totals().failed() == 4
        snapshot.images().every { it.state() == 'failed' && it.error().contains('connection refused') }
        snapshot.log().count { it.level() == 'error' } == 1
    }

    def "off a terminal, push --dashboard and attach refuse with one line and exit 2; attach without a push says so, exit 1"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'one.tar')
        images().dockerArchive(archive, [[tags: ['demo/one:1.0'], layers: [['one', 10_000]]]])
        def runtime = new File(tmp, 'run')
        runtime.mkdirs()
        runtime.setReadable(false, false); runtime.setReadable(true, true)
        runtime.setExecutable(false, false); runtime.setExecutable(true, true)
        runtime.setWritable(false, false); runtime.setWritable(true, true)

        when:
        def push = hoist(['push', archive.path, "${reg.host}/demo/one:1.0".toString(), '--dashboard'])
        def attach = hoist(['attach'])

        then:
        push.exit == 2
        push.err.readLines().count { it.startsWith('hoist: ') } == 1
        push.err.contains('the dashboard needs a terminal')
        !reg.hasTag('demo/one', '1.0')
        attach.exit == 2
        attach.err.trim() == 'hoist: attach shows a dashboard and needs a terminal (hoist ps lists the running pushes)'

        when: 'on a terminal with no push running'
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def io = new dev.hoist.cli.Main.Io(new PrintStream(out, true, 'UTF-8'), new PrintStream(err, true, 'UTF-8'),
                new ByteArrayInputStream(new byte[0]), [PATH: System.getenv('PATH'), TERM: 'xterm', XDG_RUNTIME_DIR: runtime.path], true)
        def code = dev.hoist.cli.Main.execute(io, 'attach', '4242')

        then:
        code == 1
        err.toString('UTF-8').trim() == 'hoist: no running push with ID 4242 (hoist ps lists them)'
    }
}
