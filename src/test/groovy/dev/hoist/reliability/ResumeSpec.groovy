package dev.hoist.reliability

import dev.hoist.support.FaultProxy
import dev.hoist.support.Images
import groovy.json.JsonOutput
import dev.hoist.support.IntegrationSpec

class ResumeSpec extends IntegrationSpec {

    def "a push killed with -9 mid-layer resumes where the registry stands, and sends less than 60% again"() {
        given: 'a layer of 150 MB that compresses to about the same'
        def reg = registry()
        def proxy = new FaultProxy(reg)
        def archive = new File(tmp, 'big.tar')
        images().dockerArchive(archive, [[tags: ['demo/big:1'], layers: [['resume-big', 150_000_000]]]])
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def cache = new File(tmp, 'cache')

        when: 'the first run is killed while its fourth chunk is on the way (held at the proxy, so the registry has three)'
        def patches = new java.util.concurrent.atomic.AtomicInteger()
        proxy.rule = { FaultProxy.Seen s -> s.method == 'PATCH' && patches.incrementAndGet() == 4 ? 'stall:20000' : null }
        def first = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'), "-Dhoist.cache.dir=${cache}".toString(),
                "-Dhoist.config.dir=${tmp}/config".toString(), 'dev.hoist.cli.Main',
                'push', archive.path, "${proxy.host}/big:1".toString(), '-q').redirectErrorStream(true).start()
        def deadline = System.currentTimeMillis() + 120_000
        while (patches.get() < 4 && first.alive && System.currentTimeMillis() < deadline) {
            Thread.sleep(20)
        }
        first.destroyForcibly()
        first.waitFor()
        def patchedBefore = proxy.seen.count { it.method == 'PATCH' && it.status == 202 }

        and: 'the same push runs again'
        proxy.rule = { FaultProxy.Seen s -> null }
        def second = hoist(['push', archive.path, "${proxy.host}/big:1".toString(), '--json', '-q'])

        then:
        patchedBefore == 3
        second.exit == 0
        def layer = reg.manifest('big', '1').layers[0]
        second.json.totals.bytesSent < 0.6 * layer.size
        proxy.seen.any { it.method == 'GET' && it.path.contains('/blobs/uploads/') && it.status == 204 }
        reg.copyOut('big', '1', new File(tmp, 'readback')).exists()
        !new File(cache, 'uploads').exists() || new File(cache, 'uploads').list().findAll { !it.startsWith('.') }.isEmpty()

        cleanup:
        proxy?.close()
    }

    def "a session the registry no longer knows starts over cleanly"() {
        given: 'a session record, as a killed run leaves it, for an upload the registry never had'
        def reg = registry()
        def img = images()
        def archive = new File(tmp, 'big.tar')
        img.dockerArchive(archive, [[tags: ['demo/big:1'], layers: [['resume-gone', 70_000_000]]]])
        def diffId = Images.sha256(img.layer('resume-gone', 70_000_000))
        def key = "${reg.host}/big@layer:${diffId}:${dev.hoist.image.GzipInputStream.SCHEME}".toString()
        def uploads = new File(tmp, 'cache/uploads')
        uploads.mkdirs()
        new File(uploads, Images.hex(Images.sha256(key.getBytes('UTF-8'))) + '.json').text = JsonOutput.toJson([
                location: "http://${reg.host}/v2/big/blobs/uploads/00000000-0000-0000-0000-000000000000?_state=gone".toString(),
                offset  : 16_777_216])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/big:1".toString(), '--json', '-q'])

        then:
        run.exit == 0
        reg.countRequests('GET', '/blobs/uploads/00000000') == 1
        reg.copyOut('big', '1', new File(tmp, 'readback')).exists()
    }
}
