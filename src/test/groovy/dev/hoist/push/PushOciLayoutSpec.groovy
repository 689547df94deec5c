package dev.hoist.push

import dev.hoist.support.Images
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Proc

class PushOciLayoutSpec extends IntegrationSpec {

    /** An OCI layout in tmp/layout holding demo/app:1.0 as tag 1.0, written by skopeo from a docker-save archive; its digest. */
    String appLayout(List layers) {
        def img = images()
        def archive = new File(tmp, 'app.tar')
        img.dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: layers]])
        img.ociLayoutBySkopeo(archive, 'demo/app:1.0', new File(tmp, 'layout'), '1.0')
    }

    def "pushes an OCI layout written by skopeo byte for byte: the digest skopeo reports"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'layout')
        def digest = appLayout([['base', 250_000], ['app', 70_000]])

        when:
        def run = hoist(['push', "oci:${layout.path}:1.0".toString(), "${reg.host}/demo/app:1.0".toString(), '--json'])

        then:
        run.exit == 0
        run.json.images[0].digest == digest
        reg.manifestDigest('demo/app', '1.0') == digest
        reg.copyOut('demo/app', '1.0', new File(tmp, 'readback')).exists()
    }

    def "a later run to another repository of the registry mounts the blobs an earlier run pushed"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'layout')
        def digest = appLayout([['base', 250_000], ['app', 70_000]])
        def source = "oci:${layout.path}:1.0".toString()
        assert hoist(['push', source, "${reg.host}/team-a/app:1.0".toString(), '-q']).exit == 0
        def putsBefore = reg.countRequests('PUT', '/blobs/uploads/')

        when:
        def run = hoist(['push', source, "${reg.host}/team-b/app:1.0".toString(), '--json'])

        then:
        run.exit == 0
        run.json.totals.blobs.mounted == 3
        run.json.totals.blobs.uploaded == 0
        run.json.totals.bytesSent == 0
        reg.countRequests('PUT', '/blobs/uploads/') == putsBefore
        reg.manifestDigest('team-b/app', '1.0') == digest
        reg.copyOut('team-b/app', '1.0', new File(tmp, 'readback')).exists()
    }

    def "pushes every tagged image of a layout, each under its own tag"() {
        given:
        def reg = registry()
        def img = images()
        def archive = new File(tmp, 'two.tar')
        img.dockerArchive(archive, [
                [tags: ['demo/app:1.0'], layers: [['base', 200_000], ['one', 40_000]]],
                [tags: ['demo/app:2.0'], layers: [['base', 200_000], ['two', 50_000]]]])
        def layout = new File(tmp, 'layout')
        def one = img.ociLayoutBySkopeo(archive, 'demo/app:1.0', layout, '1.0')
        def two = img.ociLayoutBySkopeo(archive, 'demo/app:2.0', layout, '2.0')

        when:
        def run = hoist(['push', layout.path, "${reg.host}/demo/app".toString(), '--json'])

        then:
        run.exit == 0
        reg.manifestDigest('demo/app', '1.0') == one
        reg.manifestDigest('demo/app', '2.0') == two
        run.json.totals.blobs.uploaded == 5
    }

    def "pushes an OCI archive tar made by skopeo"() {
        given:
        def reg = registry()
        def img = images()
        def archive = new File(tmp, 'app.tar')
        img.dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 100_000]]]])
        def ociArchive = new File(tmp, 'app-oci.tar')
        Proc.ok(['skopeo', 'copy', '-q', "docker-archive:${archive.path}".toString(), "oci-archive:${ociArchive.path}:1.0".toString()])
        def digest = Images.skopeoDigest("oci-archive:${ociArchive.path}:1.0")

        expect: 'a bare path is recognised by content, like the explicit oci-archive: form'
        hoist(['push', ociArchive.path, "${reg.host}/bare:1.0".toString()]).exit == 0
        hoist(['push', "oci-archive:${ociArchive.path}:1.0".toString(), "${reg.host}/explicit:1.0".toString()]).exit == 0
        reg.manifestDigest('bare', '1.0') == digest
        reg.manifestDigest('explicit', '1.0') == digest
    }

    def "pushes a multi-platform index whole: children first, then the index"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'multi')
        def digests = images().multiPlatformLayout(layout, 'v1')

        when:
        def run = hoist(['push', "oci:${layout.path}:v1".toString(), "${reg.host}/multi:v1".toString()])

        then:
        run.exit == 0
        reg.manifestDigest('multi', 'v1') == digests.index
        reg.manifestDigest('multi', digests.amd64) == digests.amd64
        reg.manifestDigest('multi', digests.arm64) == digests.arm64
        reg.copyOut('multi', 'v1', new File(tmp, 'readback')).exists()
    }

    def "pushes one platform of an index with --platform"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'multi')
        def digests = images().multiPlatformLayout(layout, 'v1')

        when:
        def run = hoist(['push', "oci:${layout.path}".toString(), "${reg.host}/arm:v1".toString(), '--platform', 'linux/arm64'])

        then:
        run.exit == 0
        reg.manifestDigest('arm', 'v1') == digests.arm64
    }

    def "asks for a platform the index lacks: one line naming what it has, exit 2"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'multi')
        images().multiPlatformLayout(layout, 'v1')

        when:
        def run = hoist(['push', "oci:${layout.path}".toString(), "${reg.host}/x:v1".toString(), '--platform', 'linux/s390x'])

        then:
        run.exit == 2
        run.err.contains('no image for platform linux/s390x')
        run.err.contains('linux/amd64')
        run.err.readLines().size() == 1
    }

    def "a tampered blob fails its image before any manifest is written"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'layout')
        appLayout([['base', 100_000]])
        def manifest = new groovy.json.JsonSlurper().parse(new File(layout, "blobs/sha256/${Images.hex(Images.skopeoDigest("oci:${layout.path}:1.0"))}"))
        def layerFile = new File(layout, "blobs/sha256/${Images.hex(manifest.layers[0].digest)}")
        def bytes = layerFile.bytes
        bytes[bytes.length - 100] = (byte) (bytes[bytes.length - 100] ^ 0xff)
        layerFile.bytes = bytes

        when:
        def run = hoist(['push', "oci:${layout.path}:1.0".toString(), "${reg.host}/demo/app:1.0".toString()])

        then:
        run.exit == 2
        run.err.contains(manifest.layers[0].digest as String)
        run.err.contains('does not match its digest')
        !reg.hasTag('demo/app', '1.0')
        reg.countRequests('PUT', '/manifests/') == 0
    }

    def "uploads in chunks with --chunk-size, for stored blobs and for layers compressed on the way"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'layout')
        def digest = appLayout([['base', 300_000]])

        when:
        def fromLayout = hoist(['push', "oci:${layout.path}:1.0".toString(), "${reg.host}/from-layout:1.0".toString(), '--chunk-size', '64KiB'])
        def fromArchive = hoist(['push', new File(tmp, 'app.tar').path, "${reg.host}/from-archive:1.0".toString(), '--chunk-size', '64KiB'])

        then: 'each layer of about 150 kB compressed goes up in three 64 KiB PATCHes, not one'
        fromLayout.exit == 0
        fromArchive.exit == 0
        reg.manifestDigest('from-layout', '1.0') == digest
        reg.countRequests('PATCH', '/v2/from-layout/blobs/uploads/') >= 3
        reg.countRequests('PATCH', '/v2/from-archive/blobs/uploads/') >= 3
        reg.copyOut('from-archive', '1.0', new File(tmp, 'readback')).exists()
    }
}
