package dev.hoist.jobs

import dev.hoist.attach.JobSockets
import dev.hoist.attach.RemoteJob
import dev.hoist.credentials.CredentialStore
import dev.hoist.engine.BlobInfoCache
import dev.hoist.engine.JobState
import dev.hoist.engine.Jobs
import dev.hoist.engine.PlanBuilder
import dev.hoist.engine.PushEngine
import dev.hoist.engine.PushEvent
import dev.hoist.engine.PushListener
import dev.hoist.engine.Registries
import dev.hoist.registry.RegistryOptions
import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec

import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.CopyOnWriteArrayList

import static dev.hoist.support.Poll.waitFor

/** Running pushes seen from another process: hoist ps, and a JobView over the job's socket. */
class AttachSpec extends IntegrationSpec {

    def "hoist ps lists a running push by its ID; a view over its socket pauses it, lifts its limit, and goes with it"() {
        given:
        def reg = registry()
        def run = new File(tmp, 'run')
        run.mkdirs()
        def env = [XDG_RUNTIME_DIR: run.path]
        def layout = images().randomLayout(new File(tmp, 'layout'), 6, 250_000)
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def pb = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'),
                "-Dhoist.cache.dir=${tmp}/cache".toString(), 'dev.hoist.cli.Main',
                'push', "oci:${layout.path}".toString(), "${reg.host}/app".toString(), '--limit-rate', '200kB/s')
                .redirectErrorStream(true)
        pb.environment().put('XDG_RUNTIME_DIR', run.path)
        def process = pb.start()
        def output = new StringBuffer()
        def reader = Thread.start { process.inputStream.eachLine { output.append(it).append('\n') } }

        when:
        def ps = null
        waitFor('hoist ps to list the push') {
            ps = hoist(['ps'], env)
            ps.out.readLines().size() == 2
        }
        def row = ps.out.readLines()[1]
        def socket = JobSockets.dir(env).resolve("${process.pid()}-1.sock")

        then:
        ps.exit == 0
        ps.out.readLines()[0].startsWith('ID')
        row.startsWith("${process.pid()} ")
        row.contains("hoist push oci:${layout.path} ${reg.host}/app")
        row.contains('RUNNING')
        Files.getPosixFilePermissions(socket) == PosixFilePermissions.fromString('rw-------')
        Files.getPosixFilePermissions(socket.parent) == PosixFilePermissions.fromString('rwx------')

        when: 'paused from here'
        def view = RemoteJob.connect(socket, false)
        view.pause()
        def paused = view.snapshot()
        def listed = hoist(['ps'], env).out

        then:
        paused.state() == JobState.PAUSED
        paused.rateLimit() == 200_000
        paused.name().startsWith('hoist push')
        listed.contains('PAUSED')

        when: 'resumed without a limit'
        view.resume()
        view.rateLimit(0)
        process.waitFor()
        reader.join(5_000)

        then:
        process.exitValue() == 0
        output.toString().contains('6 pushed')
        !Files.exists(socket)
        hoist(['ps'], env).out.readLines().size() == 1
        !view.connected() || view.snapshot() != null

        cleanup:
        view?.close()
        process?.destroy()
    }

    def "a viewer attached mid-run sees the same totals as one there from the start, and its events"() {
        given:
        def reg = registry()
        def env = [XDG_RUNTIME_DIR: new File(tmp, 'run').path]
        def layout = images().randomLayout(new File(tmp, 'layout'), 8, 200_000)
        def plan = new PlanBuilder().source("oci:${layout.path}".toString()).repository("${reg.host}/app".toString())
                .concurrency(2).build()
        def jobs = new Jobs(new PushEngine(new Registries(CredentialStore.anonymous(), RegistryOptions.defaults()), new BlobInfoCache(null)))
        def job = jobs.submit('late', plan, null, 800_000, [])
        def exposed = JobSockets.expose(job, env)
        def events = new CopyOnWriteArrayList<PushEvent>()

        when:
        waitFor('2 images done') { job.snapshot().totals().done() >= 2 }
        def late = JobSockets.find(env, null).get()
        def view = RemoteJob.connect(late.socket(), true)
        def stream = view.events({ e -> events << e } as PushListener)
        def result = job.await()
        waitFor('the plan-done event') { events.any { it instanceof PushEvent.PlanDone } }
        def remote = view.snapshot().totals()
        def local = job.snapshot().totals()

        then:
        late.id() == "${ProcessHandle.current().pid()}".toString()
        result.ok()
        [remote.images(), remote.done(), remote.pushed(), remote.upToDate(), remote.failed(), remote.bytesSent(), remote.bytesToSend()] ==
                [local.images(), local.done(), local.pushed(), local.upToDate(), local.failed(), local.bytesSent(), local.bytesToSend()]
        remote.pushed() == 8
        events.findAll { it instanceof PushEvent.ImageDone }.size() >= 1
        events.find { it instanceof PushEvent.PlanDone }.result().pushed() == 8

        when: 'a read-only viewer tries a control'
        view.pause()

        then:
        thrown(UnsupportedOperationException)

        cleanup:
        stream?.close()
        view?.close()
        exposed?.close()
    }

    def "a retry asked from another terminal while the push runs makes a failed image count as pushed in summary, report and exit code"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg)
        def broken = true
        // Image 2's manifest is refused; while it is, every other manifest is told to come back in a second,
        // so the push is still running (whatever order its blobs went in) when the retry is asked.
        proxy.rule = { FaultProxy.Seen s ->
            !broken || s.method != 'PUT' || !s.path.contains('/manifests/') ? null
                    : s.path.contains('/manifests/2') ? 'status:400' : 'retry-after:1'
        }
        def run = new File(tmp, 'run')
        def env = [XDG_RUNTIME_DIR: run.path]
        def layout = images().randomLayout(new File(tmp, 'layout'), 12, 150_000)
        def report = new File(tmp, 'report.json')
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def pb = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'),
                "-Dhoist.cache.dir=${tmp}/cache".toString(), 'dev.hoist.cli.Main',
                'push', "oci:${layout.path}".toString(), "${proxy.host}/app".toString(), '--limit-rate', '150kB/s',
                '--concurrency', '1', '--retries', '60', '--json', report.path)
                .redirectErrorStream(true)
        pb.environment().put('XDG_RUNTIME_DIR', run.path)
        def process = pb.start()
        def output = new StringBuffer()
        def reader = Thread.start { process.inputStream.eachLine { output.append(it).append('\n') } }

        when: 'image 2 has failed and the push goes on with the others'
        def endpoint = null
        waitFor('the push to be listed') { (endpoint = JobSockets.find(env, null).orElse(null)) != null }
        def view = RemoteJob.connect(endpoint.socket(), false)
        waitFor('image 2 to fail') { view.snapshot().images().find { it.target().tag() == '2' }?.state() == 'failed' }
        def before = view.snapshot().totals()
        broken = false
        view.retryFailed()
        process.waitFor()
        reader.join(5_000)

        then:
        before.done() < 12
        process.exitValue() == 0
        output.toString().contains('12 pushed, 0 up to date, 0 failed')
        output.toString().contains("${proxy.host}/app:2@sha256:")
        new groovy.json.JsonSlurper().parse(report).images.every { it.status != 'failed' }
        reg.hasTag('app', '2')

        cleanup:
        view?.close()
        process?.destroy()
        proxy?.close()
    }
}
