package dev.hoist.push

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry

class PushDockerArchiveSpec extends IntegrationSpec {

    def "pushes a legacy docker-save archive, keeping the image ID as the config digest"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        def ids = images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 300_000], ['app', 120_000]]]])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '--json'])

        then:
        run.exit == 0
        def pushed = run.json.images[0]
        pushed.status == 'pushed'
        pushed.blobs.uploaded == 3
        def manifest = reg.manifest('demo/app', '1.0')
        manifest.mediaType == 'application/vnd.docker.distribution.manifest.v2+json'
        manifest.config.digest == ids[0]
        manifest.layers*.mediaType == ['application/vnd.docker.image.rootfs.diff.tar.gzip'] * 2
        reg.manifestDigest('demo/app', '1.0') == pushed.digest
        reg.copyOut('demo/app', '1.0', new File(tmp, 'readback')).exists()
    }

    def "pushes the OCI form of docker save that Docker 25+ writes"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'oci-form.tar')
        def ids = images().dockerArchive(archive, [[tags: ['demo/web:2.0'], layers: [['base', 200_000], ['web', 90_000]]]], true)

        when:
        def run = hoist(['push', "docker-archive:${archive.path}".toString(), "${reg.host}/demo/web".toString(), '-q'])

        then:
        run.exit == 0
        run.out.trim() ==~ /${reg.host}\/demo\/web:2\.0@sha256:[a-f0-9]{64}/
        reg.manifest('demo/web', '2.0').config.digest == ids[0]
        reg.copyOut('demo/web', '2.0', new File(tmp, 'readback')).exists()
    }

    def "compresses deterministically: the same archive gives the same manifest digest on every run"() {
        given:
        def first = registry()
        def second = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 300_000]]]])

        when:
        def a = hoist(['push', archive.path, "${first.host}/demo/app:1.0".toString(), '-q'])
        System.setProperty('hoist.cache.dir', new File(tmp, 'other-cache').path)
        def b = hoist(['push', archive.path, "${second.host}/demo/app:1.0".toString(), '-q'])

        then:
        a.exit == 0
        b.exit == 0
        first.manifestDigest('demo/app', '1.0') == second.manifestDigest('demo/app', '1.0')
    }

    def "keeps each image's own tag when the target has none, uploading shared layers once"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'two.tar')
        images().dockerArchive(archive, [
                [tags: ['demo/app:1.0'], layers: [['base', 300_000], ['one', 50_000]]],
                [tags: ['demo/app:2.0'], layers: [['base', 300_000], ['two', 60_000]]]])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app".toString(), '--json'])

        then:
        run.exit == 0
        run.json.totals.pushed == 2
        run.json.totals.blobs.uploaded == 5
        reg.hasTag('demo/app', '1.0')
        reg.hasTag('demo/app', '2.0')
        reg.countRequests('POST', '/v2/demo/app/blobs/uploads/') == 5
    }

    def "a re-push compresses nothing: the manifest it would make is known, and one HEAD finds it"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 300_000], ['app', 80_000]]]])
        def target = "${reg.host}/demo/app:1.0".toString()
        assert hoist(['push', archive.path, target, '-q']).exit == 0
        def postsBefore = reg.countRequests('POST', '/blobs/uploads/')
        def blobHeadsBefore = reg.countRequests('HEAD', '/blobs/')

        when:
        def run = hoist(['push', archive.path, target, '--json'])

        then:
        run.exit == 0
        run.json.images[0].status == 'up-to-date'
        run.json.totals.blobs.uploaded == 0
        run.json.totals.bytesSent == 0
        run.json.totals.bytesRead == 0
        reg.countRequests('POST', '/blobs/uploads/') == postsBefore
        reg.countRequests('HEAD', '/blobs/') == blobHeadsBefore
    }

    def "a re-push whose tag moved elsewhere pushes the image again"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        def other = new File(tmp, 'other.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 300_000], ['app', 80_000]]]])
        images().dockerArchive(other, [[tags: ['demo/app:1.0'], layers: [['other', 50_000]]]])
        def target = "${reg.host}/demo/app:1.0".toString()
        assert hoist(['push', archive.path, target, '-q']).exit == 0
        def first = reg.manifestDigest('demo/app', '1.0')
        assert hoist(['push', other.path, target, '-q']).exit == 0

        when:
        def run = hoist(['push', archive.path, target, '--json'])

        then:
        run.exit == 0
        run.json.images[0].status == 'pushed'
        run.json.totals.blobs.uploaded == 0
        reg.manifestDigest('demo/app', '1.0') == first
    }

    def "picks one image of a multi-image archive by REPO:TAG"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'two.tar')
        def ids = images().dockerArchive(archive, [
                [tags: ['demo/app:1.0'], layers: [['one', 50_000]]],
                [tags: ['demo/other:3.1'], layers: [['two', 60_000]]]])

        when:
        def run = hoist(['push', "docker-archive:${archive.path}:demo/other:3.1".toString(), "${reg.host}/picked:v1".toString()])

        then:
        run.exit == 0
        reg.manifest('picked', 'v1').config.digest == ids[1]
    }

    def "a target tag with several images in the source is refused before any upload"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'two.tar')
        images().dockerArchive(archive, [
                [tags: ['demo/app:1.0'], layers: [['one', 50_000]]],
                [tags: ['demo/app:2.0'], layers: [['two', 60_000]]]])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:latest".toString()])

        then:
        run.exit == 2
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.contains('holds 2 images')
        reg.countRequests('POST', '/blobs/uploads/') == 0
    }

    def "a tampered layer fails its image with a line naming the file, and leaves no tag"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 300_000]]]])
        tamper(archive, 'hoist test layer base')

        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString()])

        then:
        run.exit == 2
        run.err.contains(archive.path)
        run.err.contains('does not match its digest')
        !run.err.contains('Exception')
        !reg.hasTag('demo/app', '1.0')
        reg.countRequests('PUT', '/manifests/') == 0
    }

    /** Flips a byte inside the first occurrence of {@code marker}, keeping the tar's structure. */
    static void tamper(File file, String marker) {
        def bytes = file.bytes
        def text = new String(bytes, 'ISO-8859-1')
        int at = text.indexOf(marker)
        assert at > 0
        bytes[at + 2] = (byte) (bytes[at + 2] ^ 0x20)
        file.bytes = bytes
    }
}
