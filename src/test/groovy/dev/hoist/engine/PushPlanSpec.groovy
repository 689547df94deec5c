package dev.hoist.engine

import dev.hoist.credentials.CredentialStore
import dev.hoist.registry.RegistryOptions
import dev.hoist.support.Images
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Proc
import groovy.json.JsonSlurper

import java.util.concurrent.CopyOnWriteArrayList

class PushPlanSpec extends IntegrationSpec {

    /** 12 images in a docker-save archive and 8 in a layout skopeo wrote; all share one base layer. */
    List<String> mixedSources() {
        def img = images()
        def archive = new File(tmp, 'services.tar')
        img.dockerArchive(archive, (1..12).collect { n ->
            [tags: ["demo/svc${n}:1.${n}".toString()], layers: [['base', 200_000], ["svc${n}".toString(), 20_000]]]
        })
        def layout = new File(tmp, 'layout')
        def more = new File(tmp, 'more.tar')
        img.dockerArchive(more, (1..8).collect { n ->
            [tags: ["tools/tool${n}:2.${n}".toString()], layers: [['base', 200_000], ["tool${n}".toString(), 15_000]]]
        })
        (1..8).each { n -> img.ociLayoutBySkopeo(more, "tools/tool${n}:2.${n}", layout, "tool${n}-2.${n}") }
        [archive.path, "oci:${layout.path}".toString()]
    }

    def "a 20-image plan uploads each distinct blob once and mounts it in other repositories"() {
        given:
        def reg = registry()
        def sources = mixedSources()

        when:
        def run = hoist(['push'] + sources + ['--to', "${reg.host}/giteaadmin".toString(), '--json', '-q'])

        then:
        run.exit == 0
        def report = run.json
        report.totals.selected == 20
        report.totals.pushed == 20
        report.totals.blobs.mounted > 0

        and: 'the registry saw one upload per distinct blob: the base layers once per form, every other blob once'
        def digests = [] as Set
        report.images.each { image ->
            def target = image.target.substring(reg.host.length() + 1)
            def (repo, tag) = target.split(':')
            def manifest = reg.manifest(repo, tag)
            assert Registry_digest(reg, repo, tag) == image.digest
            digests << manifest.config.digest
            manifest.layers.each { digests << it.digest }
        }
        reg.countRequests('PUT', '/blobs/uploads/') == digests.size()
        report.totals.blobs.uploaded == digests.size()
    }

    static String Registry_digest(reg, String repo, String tag) {
        reg.manifestDigest(repo, tag)
    }

    def "maps names into the namespace: source repository kept, a prefix stripped, a rename template, extra tags"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'a.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['l', 10_000]]]])

        when:
        def kept = hoist(['push', archive.path, '--to', "${reg.host}/ns".toString(), '-q'])
        def stripped = hoist(['push', archive.path, '--to', "${reg.host}/ns".toString(), '--strip-prefix', 'demo/', '--add-tag', 'stable', '-q'])
        def renamed = hoist(['push', archive.path, '--to', "${reg.host}/ns".toString(), '--rename', 'mirror/{name}:{tag}-m', '-q'])

        then:
        [kept, stripped, renamed]*.exit == [0, 0, 0]
        reg.hasTag('ns/demo/app', '1.0')
        reg.hasTag('ns/app', '1.0')
        reg.hasTag('ns/app', 'stable')
        reg.hasTag('ns/mirror/app', '1.0-m')
    }

    def "filters select exactly the expected images"() {
        given:
        def archive = new File(tmp, 'many.tar')
        images().dockerArchive(archive, [
                [tags: ['demo/app:1.0.0'], layers: [['a', 5_000]]],
                [tags: ['demo/app:1.4.2'], layers: [['b', 5_000]]],
                [tags: ['demo/app:2.0.0'], layers: [['c', 5_000]]],
                [tags: ['demo/web:1.5.0'], layers: [['d', 5_000]]],
                [tags: ['other/db:1.3.0'], layers: [['e', 50_000]]],
                [tags: ['demo/app:latest'], layers: [['f', 5_000]]]])

        when:
        def run = hoist(['images', archive.path, '--include', 'demo/*', '--exclude', 'demo/web', '--tags', '>=1.2 <2', '--json'])

        then:
        run.exit == 0
        (new JsonSlurper().parseText(run.out) as List).collect { "${it.repository}:${it.tag}" } == ['demo/app:1.4.2']

        when:
        def bySize = hoist(['images', archive.path, '--min-size', '40kB', '--json'])

        then:
        (new JsonSlurper().parseText(bySize.out) as List)*.repository == ['other/db']

        when:
        def byLabel = hoist(['images', archive.path, '--label', 'label=demo/web:1.5.0', '--json'])

        then:
        (new JsonSlurper().parseText(byLabel.out) as List)*.tag == ['1.5.0']

        when:
        def none = hoist(['images', archive.path, '--include', 'nothing/*'])

        then:
        none.exit == 2
        none.err.contains('no image matches the filters (6 found in the sources)')
    }

    def "images on a terminal: short digests and the one source named once; piped or with --no-trunc, every figure whole"() {
        given:
        def layout = images().randomLayout(new File(tmp, 'two'), 2, 5_000)
        def source = "oci:${layout.path}".toString()
        def onTerminal = { List<String> args ->
            def out = new ByteArrayOutputStream()
            def err = new ByteArrayOutputStream()
            def io = new dev.hoist.cli.Main.Io(new PrintStream(out, true, 'UTF-8'), new PrintStream(err, true, 'UTF-8'),
                    InputStream.nullInputStream(), [:], true)
            assert dev.hoist.cli.Main.execute(io, args as String[]) == 0
            [out: out.toString('UTF-8'), err: err.toString('UTF-8')]
        }

        when:
        def terminal = onTerminal(['images', source])
        def full = onTerminal(['images', source, '--no-trunc'])
        def piped = hoist(['images', source])
        def digest = /sha256:[0-9a-f]{64}/

        then:
        terminal.out.readLines()[0].split(/\s{2,}/) as List == ['REPOSITORY', 'TAG', 'PLATFORMS', 'SIZE', 'IMAGE ID', 'DIGEST']
        terminal.out.readLines().drop(1).every { it ==~ /.*  sha256:[0-9a-f]{12}/ && it.length() <= 80 }
        terminal.err.trim() == "2 of 2 images selected, from ${source}".toString()
        [full.out, piped.out].every { out -> out.readLines()[0].endsWith('SOURCE') && out.readLines().drop(1).every { it =~ digest } }
        piped.err.trim() == '2 of 2 images selected'
    }

    def "a dry run reports what would be sent and writes nothing"() {
        given:
        def reg = registry()
        def sources = mixedSources()
        def archive = new File(sources[0])
        assert hoist(['push', archive.path, '--to', "${reg.host}/ns".toString(), '--include', 'demo/svc1', '-q']).exit == 0
        def writesBefore = ['PUT', 'PATCH', 'POST', 'DELETE'].sum { reg.countRequests(it, '/v2/') }

        when:
        def run = hoist(['push'] + sources + ['--to', "${reg.host}/ns".toString(), '--dry-run', '--json'])

        then:
        run.exit == 0
        run.json.dryRun == true
        run.json.totals.upToDate == 1
        run.json.images.count { it.status == 'would-push' } == 19
        run.json.totals.wouldPush == 19
        run.json.totals.pushed == 0
        run.json.totals.blobs.uploaded > 0
        run.json.totals.blobs.mounted > 0
        ['PUT', 'PATCH', 'POST', 'DELETE'].sum { reg.countRequests(it, '/v2/') } == writesBefore
        reg.countRequests('HEAD', '/v2/') > 0
    }

    def "an interrupted run leaves no tag for the images it did not finish"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'many.tar')
        images().dockerArchive(archive, (1..8).collect { n -> [tags: ["demo/app:${n}".toString()], layers: [["l${n}".toString(), 400_000]]] })
        def plan = new PlanBuilder().source(archive.path).to("${reg.host}/ns".toString()).concurrency(1).build()
        def engine = new PushEngine(new Registries(CredentialStore.anonymous(), RegistryOptions.defaults()), new BlobInfoCache(null))
        def cancel = new CancelToken()
        def events = new CopyOnWriteArrayList<PushEvent>()

        when:
        def result = engine.run(plan, [{ e ->
            events << e
            if (e instanceof PushEvent.ImageDone) {
                cancel.cancel()
            }
        } as PushListener], cancel)

        then:
        result.cancelled()
        def done = result.images().findAll { it.ok() }
        def unfinished = result.images().findAll { !it.ok() }
        done.size() >= 1
        unfinished.size() >= 1
        done.every { reg.hasTag('ns/demo/app', it.target().tag()) }
        unfinished.every { !reg.hasTag('ns/demo/app', it.target().tag()) }
        events.last() instanceof PushEvent.PlanDone
    }

    def "pushes into an OCI layout that skopeo reads back"() {
        given:
        def archive = new File(tmp, 'two.tar')
        images().dockerArchive(archive, [
                [tags: ['demo/app:1.0'], layers: [['base', 100_000], ['a', 10_000]]],
                [tags: ['demo/web:2.0'], layers: [['base', 100_000], ['b', 10_000]]]])
        def out = new File(tmp, 'out-layout')

        when:
        def run = hoist(['push', archive.path, '--to', "oci:${out.path}".toString(), '--json'])

        then:
        run.exit == 0
        run.json.totals.blobs.uploaded == 5
        Images.skopeoDigest("oci:${out.path}:demo/app:1.0") == run.json.images.find { it.target.endsWith('demo/app:1.0') }.digest
        Proc.ok(['skopeo', 'copy', '-q', "oci:${out.path}:demo/web:2.0".toString(), "oci:${new File(tmp, 'copy').path}:x".toString()]) != null
    }

    def "a push of 200 images into an OCI layout writes its index.json a few times, not once per image, and skopeo reads them back"() {
        given: 'an archive of 200 small images, and a watch on the layout directory'
        def archive = new File(tmp, 'many.tar')
        images().dockerArchive(archive, (1..200).collect { [tags: ["demo/app${it}:1.0".toString()], layers: [["l${it}".toString(), 300]]] })
        def out = new File(tmp, 'many-layout')
        out.mkdirs()
        def watcher = java.nio.file.FileSystems.default.newWatchService()
        out.toPath().register(watcher, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE)

        when:
        def run = hoist(['push', archive.path, '--to', "oci:${out.path}".toString(), '--json'])
        // index.json is replaced by a rename onto it: each write is one create event for its name.
        int writes = 0
        for (def key = watcher.poll(2, java.util.concurrent.TimeUnit.SECONDS); key != null;
             key = watcher.poll(1, java.util.concurrent.TimeUnit.SECONDS)) {
            key.pollEvents().findAll { it.context().toString() == 'index.json' }.each { writes += it.count() }
            key.reset()
        }
        watcher.close()
        def index = new JsonSlurper().parse(new File(out, 'index.json')) as Map
        long seconds = (run.json.durationMs as long).intdiv(1000)

        then: 'every image is named in index.json, written at the end (and at most about once a second before), where it was once per image'
        run.exit == 0
        index.manifests.size() == 200
        writes >= 1
        writes <= 2 + seconds

        and: 'skopeo reads images back with the digests reported'
        ['demo/app1:1.0', 'demo/app100:1.0', 'demo/app200:1.0'].every { ref ->
            Images.skopeoDigest("oci:${out.path}:${ref}") == run.json.images.find { it.target.endsWith(ref) }.digest
        }
    }

    def "an index.json that cannot be written fails the images whose tags it should have held, told failed and never pushed"() {
        given: 'a layout whose index lock cannot be opened (a directory in its place): blobs and manifests go in, index.json cannot'
        def archive = new File(tmp, 'nolock.tar')
        images().dockerArchive(archive, [[tags: ['demo/a:1.0'], layers: [['na', 300]]], [tags: ['demo/b:1.0'], layers: [['nb', 300]]]])
        def out = new File(tmp, 'nolock-layout')
        new File(out, '.hoist-index.lock').mkdirs()
        def plan = new PlanBuilder().source(archive.path).to("oci:${out.path}".toString()).build()
        def engine = new PushEngine(new Registries(CredentialStore.anonymous(), RegistryOptions.defaults()), new BlobInfoCache(null))
        def events = new CopyOnWriteArrayList<PushEvent>()

        when:
        def result = engine.run(plan, [{ e -> events << e } as PushListener], new CancelToken())

        then: 'both images failed with the reason of the write; none was told pushed, each told failed once'
        result.images().size() == 2
        result.images().every { !it.ok() && it.error().contains('cannot write') }
        events.count { it instanceof PushEvent.ImageDone } == 0
        events.count { it instanceof PushEvent.ImageFailed } == 2
        !new File(out, 'index.json').exists()

        when: 'the lock is back and the same plan runs again'
        new File(out, '.hoist-index.lock').deleteDir()
        def again = engine.run(new PlanBuilder().source(archive.path).to("oci:${out.path}".toString()).build(), [], new CancelToken())

        then: 'only then are they in index.json, and skopeo reads them'
        again.images().every { it.ok() }
        Images.skopeoDigest("oci:${out.path}:demo/a:1.0") == again.images().find { it.target().repository() == 'demo/a' }.digest().toString()
    }

    def "events for one image arrive in order: queued, blobs, manifest, done"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'a.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['l1', 100_000], ['l2', 100_000]]]])
        def plan = new PlanBuilder().source(archive.path).repository("${reg.host}/app".toString()).build()
        def engine = new PushEngine(new Registries(CredentialStore.anonymous(), RegistryOptions.defaults()), new BlobInfoCache(null))
        def events = new CopyOnWriteArrayList<PushEvent>()

        when:
        engine.run(plan, [{ e -> Thread.sleep(5); events << e } as PushListener], new CancelToken())

        then: 'even a slow listener sees every event, in order'
        def kinds = events*.getClass()*.simpleName
        kinds.first() == 'PlanStarted'
        kinds.indexOf('ImageQueued') < kinds.indexOf('BlobStarted')
        kinds.lastIndexOf('BlobDone') < kinds.indexOf('ManifestPushed')
        kinds.indexOf('ManifestPushed') < kinds.indexOf('ImageDone')
        kinds.last() == 'PlanDone'
        kinds.count { it == 'BlobDone' } == 3
    }
}
