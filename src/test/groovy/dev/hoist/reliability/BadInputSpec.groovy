package dev.hoist.reliability

import dev.hoist.support.Images
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Proc
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

/**
 * The bad input corpus, made by test code: each gives one clear line naming the input and the
 * problem, exit 2 for input and 1 for remote failures, no stack trace, and no tag in the registry.
 */
class BadInputSpec extends IntegrationSpec {

    /** A layout skopeo wrote, to break in one place. */
    File layout() {
        def img = images()
        def archive = new File(tmp, 'app.tar')
        img.dockerArchive(archive, [[tags: ['demo/app:1'], layers: [['bad', 20_000]]]])
        def dir = new File(tmp, 'layout')
        img.ociLayoutBySkopeo(archive, 'demo/app:1', dir, '1')
        dir
    }

    static Map manifestOf(File layout) {
        def index = new JsonSlurper().parse(new File(layout, 'index.json'))
        new JsonSlurper().parse(new File(layout, "blobs/sha256/${Images.hex(index.manifests[0].digest)}")) as Map
    }

    /** Rewrites the layout's manifest (and index.json to point at it). */
    static void rewriteManifest(File layout, Closure<byte[]> change) {
        def index = new JsonSlurper().parse(new File(layout, 'index.json')) as Map
        def raw = change.call(new File(layout, "blobs/sha256/${Images.hex(index.manifests[0].digest)}").bytes)
        def digest = Images.sha256(raw)
        new File(layout, "blobs/sha256/${Images.hex(digest)}").bytes = raw
        index.manifests[0].digest = digest
        index.manifests[0].size = raw.length
        new File(layout, 'index.json').text = JsonOutput.toJson(index)
    }

    def "#problem: exit #exit, one line naming it, no tag"() {
        given:
        def reg = registry()
        def source = make.call(this) as String

        when:
        def run = hoist(['push', source, "${reg.host}/bad:1".toString()])

        then:
        run.exit == exit
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.contains(says)
        !run.err.contains('\tat ')
        !run.err.contains('Exception')
        reg.countRequests('PUT', '/manifests/') == 0

        where:
        problem                        | exit | says                          | make
        'truncated tar'                | 2    | 'truncated'                   | { s -> def f = new File(s.tmp, 'cut.tar'); s.images().dockerArchive(f, [[tags: ['a/b:1'], layers: [['t', 50_000]]]]); f.bytes = Arrays.copyOf(f.bytes, 30_000); f.path }
        'tar without manifest.json'    | 2    | 'neither a docker-save'       | { s -> def d = new File(s.tmp, 'plain'); d.mkdirs(); new File(d, 'x').text = 'x'; def f = new File(s.tmp, 'plain.tar'); Proc.ok(['tar', '-C', d.path, '-cf', f.path, '.']); f.path }
        'manifest naming a missing layer' | 2 | 'is missing'                  | { s -> def l = s.layout(); new File(l, "blobs/sha256/${Images.hex(manifestOf(l).layers[0].digest)}").delete(); "oci:${l}:1" }
        'tampered blob'                | 2    | 'does not match its digest'   | { s -> def l = s.layout(); def b = new File(l, "blobs/sha256/${Images.hex(manifestOf(l).layers[0].digest)}"); def x = b.bytes; x[x.length - 5] ^= 1; b.bytes = x; "oci:${l}:1" }
        'blob symlink out of the layout' | 2  | 'outside'                     | { s -> def l = s.layout(); def b = new File(l, "blobs/sha256/${Images.hex(manifestOf(l).layers[0].digest)}"); b.delete(); Proc.ok(['ln', '-s', '/etc/hostname', b.path]); "oci:${l}:1" }
        'manifest over 4 MB'           | 2    | 'over the limit'              | { s -> def l = s.layout(); rewriteManifest(l) { byte[] raw -> def m = new JsonSlurper().parse(raw) as Map; m.annotations = [pad: 'x' * 4_300_000]; JsonOutput.toJson(m).bytes }; "oci:${l}:1" }
        'unknown media type'           | 2    | 'unsupported'                 | { s -> def l = s.layout(); def i = new JsonSlurper().parse(new File(l, 'index.json')) as Map; i.manifests[0].mediaType = 'application/vnd.example.unknown+json'; new File(l, 'index.json').text = JsonOutput.toJson(i); "oci:${l}:1" }
        'missing file'                 | 2    | 'no such file'                | { s -> "${s.tmp}/nothing.tar" }
    }

    def "invalid references and unreachable registries: #target"() {
        given:
        def archive = new File(tmp, 'ok.tar')
        images().dockerArchive(archive, [[tags: ['a/b:1'], layers: [['ok', 1_000]]]])

        when:
        def run = hoist(['push', archive.path, target.replace('PORT', String.valueOf(dev.hoist.support.Registry.freePort())), '--retries', '1'])

        then:
        run.exit == exit
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.contains(says)
        !run.err.contains('\tat ')

        where:
        target                              | exit | says
        'localhost:5000/UPPER/Case'         | 2    | 'must be lowercase'
        'host:5000'                         | 2    | 'names no repository'
        'localhost:5000/app@sha256:12'      | 2    | 'malformed'
        '127.0.0.1:PORT/app:1'              | 1    | 'connection refused'
        'no-such-host.invalid/app:1'        | 1    | 'does not resolve'
    }
    def "a registry that never answers is reported once, whatever the number of images it stopped"() {
        given: 'an archive of 4 images and a port nothing listens on'
        def archive = new File(tmp, 'four.tar')
        images().dockerArchive(archive, (1..4).collect { [tags: ["a/app${it}:1".toString()], layers: [["l${it}".toString(), 1_000]]] })
        def port = dev.hoist.support.Registry.freePort()

        when:
        def run = hoist(['push', archive.path, '--to', "127.0.0.1:${port}/mirror".toString(), '--retries', '1', '--json', new File(tmp, 'report.json').path])
        def report = new JsonSlurper().parse(new File(tmp, 'report.json')) as Map

        then: 'one line says the registry is unreachable, the summary counts the 4 images as failed, exit 1 as for one image'
        run.exit == 1
        run.err.readLines().count { it.contains('connection refused') } == 1
        run.err.readLines().find { it.contains('connection refused') }.contains("127.0.0.1:${port}")
        run.err.readLines().find { it.contains('connection refused') }.contains('4 images')
        run.err.readLines().last().contains('4 failed')
        report.images.size() == 4
        report.images.every { it.error != null }
        !run.err.contains('\tat ')
    }
}
