package dev.hoist.push

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Proc
import groovy.json.JsonSlurper

import java.security.MessageDigest

/** What `--compression gzip|zstd` makes of docker-save layers, read back by other tools. */
class CompressionSpec extends IntegrationSpec {

    static String sha256(File f) {
        def md = MessageDigest.getInstance('SHA-256')
        f.withInputStream { in -> def b = new byte[65536]; int n; while ((n = in.read(b)) > 0) { md.update(b, 0, n) } }
        'sha256:' + md.digest().encodeHex().toString()
    }

    /** The image read back by skopeo (digests verified) into an OCI layout: [manifest, config, blob files]. */
    static Map readBack(def reg, String repository, String tag, File into) {
        reg.copyOut(repository, tag, into)
        def index = new JsonSlurper().parse(new File(into, 'index.json'))
        def blob = { String digest -> new File(into, "blobs/sha256/${digest.substring(7)}") }
        def manifest = new JsonSlurper().parse(blob(index.manifests[0].digest as String))
        def config = new JsonSlurper().parse(blob(manifest.config.digest as String))
        [manifest: manifest, config: config, layers: manifest.layers.collect { blob(it.digest as String) }]
    }

    def "gzip layers are one gzip member each: GNU gzip, Go (skopeo) and Java read back the diff IDs"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 2_500_000], ['app', 400_000]]]])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '--compression', 'gzip', '-q'])
        def image = readBack(reg, 'demo/app', '1.0', new File(tmp, 'readback'))
        def decompressed = new File(tmp, 'decompressed')
        Proc.ok(['skopeo', 'copy', '-q', '--src-tls-verify=false', '--dest-decompress',
                 "docker://${reg.host}/demo/app:1.0".toString(), "dir:${decompressed.path}".toString()])

        then:
        run.exit == 0
        reg.manifest('demo/app', '1.0').layers*.mediaType == ['application/vnd.docker.image.rootfs.diff.tar.gzip'] * 2
        image.layers.withIndex().every { File f, int i ->
            def gnu = Proc.bytes(['gzip', '-dc', f.path])
            def java = new java.util.zip.GZIPInputStream(new FileInputStream(f)).bytes
            dev.hoist.support.Images.sha256(gnu) == image.config.rootfs.diff_ids[i] && java == gnu
        }
        // skopeo decompressed each layer with Go's gzip reader and named it by the digest of what it read
        image.config.rootfs.diff_ids.every { new File(decompressed, (it as String).substring(7)).exists() }
    }

    def "zstd layers are OCI tar+zstd: the zstd tool and skopeo read back the diff IDs"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 2_500_000], ['app', 400_000]]]])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '--compression', 'zstd', '--json'])
        def image = readBack(reg, 'demo/app', '1.0', new File(tmp, 'readback'))
        def decompressed = new File(tmp, 'decompressed')
        Proc.ok(['skopeo', 'copy', '-q', '--src-tls-verify=false', '--dest-decompress',
                 "docker://${reg.host}/demo/app:1.0".toString(), "dir:${decompressed.path}".toString()])

        then:
        run.exit == 0
        def pushed = reg.manifest('demo/app', '1.0')
        pushed.mediaType == 'application/vnd.oci.image.manifest.v1+json'
        pushed.config.mediaType == 'application/vnd.oci.image.config.v1+json'
        pushed.layers*.mediaType == ['application/vnd.oci.image.layer.v1.tar+zstd'] * 2
        image.layers.withIndex().every { File f, int i ->
            dev.hoist.support.Images.sha256(Proc.bytes(['zstd', '-dc', f.path])) == image.config.rootfs.diff_ids[i]
        }
        image.config.rootfs.diff_ids.every { new File(decompressed, (it as String).substring(7)).exists() }
        // smaller than the layers it came from: half of each is text
        run.json.totals.bytesSent < run.json.totals.bytesRead * 0.6
    }

    def "compresses to the same bytes on 1 core and on 4 with #compression"() {
        given:
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 6_000_000], ['app', 700_000]]]])
        def java = new File(System.getProperty('java.home'), 'bin/java').path

        when:
        def indexes = [1, 4].collect { cores ->
            def out = new File(tmp, "layout-$cores")
            def p = new ProcessBuilder(java, "-XX:ActiveProcessorCount=$cores".toString(), '-cp', System.getProperty('java.class.path'),
                    "-Dhoist.cache.dir=${new File(tmp, "cache-$cores")}".toString(), 'dev.hoist.cli.Main',
                    'push', archive.path, '--to', "oci:${out.path}".toString(), '--compression', compression, '-q')
                    .redirectErrorStream(true).start()
            def text = p.inputStream.text
            assert p.waitFor() == 0: text
            new File(out, 'index.json').text
        }
        def layers = new JsonSlurper().parse(new File(tmp, "layout-1/blobs/sha256/${new JsonSlurper().parseText(indexes[0]).manifests[0].digest.substring(7)}")).layers

        then:
        indexes[0] == indexes[1]
        layers*.mediaType.every { it.endsWith(compression == 'zstd' ? '+zstd' : '+gzip') }

        where:
        compression << ['gzip', 'zstd']
    }

    def "switching between gzip and zstd never takes the other's digests from the blob-info cache"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 400_000]]]])
        def target = "${reg.host}/demo/app:1.0".toString()

        when:
        def gzip1 = hoist(['push', archive.path, target, '--json'])
        def zstd = hoist(['push', archive.path, target, '--compression', 'zstd', '--json'])
        def zstdLayers = reg.manifest('demo/app', '1.0').layers*.mediaType
        def gzip2 = hoist(['push', archive.path, target, '--compression', 'gzip', '--json'])

        then:
        [gzip1, zstd, gzip2]*.exit == [0, 0, 0]
        zstd.json.images[0].status == 'pushed'
        zstd.json.images[0].digest != gzip1.json.images[0].digest
        zstdLayers == ['application/vnd.oci.image.layer.v1.tar+zstd']
        // back to gzip: the cache still knows gzip's digests, so the same manifest as the first push, nothing compressed again
        gzip2.json.images[0].digest == gzip1.json.images[0].digest
        gzip2.json.totals.bytesRead == 0
        reg.manifestDigest('demo/app', '1.0') == gzip1.json.images[0].digest
    }

    def "an unknown compression or a level out of range is one line and exit 2, before any upload"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 100_000]]]])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString()] + flags)

        then:
        run.exit == 2
        run.err.contains(message)
        !reg.hasTag('demo/app', '1.0')

        where:
        flags                                                 | message
        ['--compression', 'lz4']                              | "unknown compression 'lz4': use gzip or zstd"
        ['--compression-level', '0']                          | '--compression-level must be at least 1'
        ['--compression', 'gzip', '--compression-level', '10'] | 'gzip compression level must be 1 to 9, not 10'
        ['--compression', 'zstd', '--compression-level', '23'] | 'zstd compression level must be 1 to 19, not 23'
    }
}
