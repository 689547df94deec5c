package dev.hoist.push

import dev.hoist.support.Corpus
import dev.hoist.support.Images
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Proc

/**
 * What other tools write, pushed and read back: skopeo's layouts (uncompressed, zstd, full
 * reference names), the same image from two sources, index entries without a media type.
 */
class OtherToolsInputSpec extends IntegrationSpec {

    File archive(String name, List<Map> content) {
        def file = new File(tmp, name)
        images().dockerArchive(file, content)
        file
    }

    def "a docker-save archive and an OCI layout with uncompressed layers of the same content go into one repository in one plan"() {
        given: 'the OCI layout is the archive Docker 25+ saves, read as oci-archive: its layers are stored uncompressed, by diff ID'
        def reg = registry()
        def layers = [['base', 200_000], ['app', 50_000]]
        def app = archive('app.tar', [[tags: ['demo/app:1.0'], layers: layers]])
        def oci = new File(tmp, 'app-oci.tar')
        images().dockerArchive(oci, [[tags: ['demo/app:2.0'], layers: layers]], true)
        def layoutDigest = Images.skopeoDigest("oci-archive:${oci.path}:2.0")
        def layoutManifest = new groovy.json.JsonSlurper().parse(Proc.bytes(['skopeo', 'inspect', '--raw', "oci-archive:${oci.path}:2.0".toString()]))
        assert layoutManifest.layers*.mediaType == ['application/vnd.oci.image.layer.v1.tar'] * 2

        when:
        def run = hoist(['push', app.path, "oci-archive:${oci.path}:docker.io/demo/app:2.0".toString(), '--to', reg.host, '--json'])

        then:
        run.exit == 0
        run.json.totals.pushed == 2
        reg.manifestDigest('demo/app', '2.0') == layoutDigest
        reg.manifest('demo/app', '2.0').layers*.digest == layoutManifest.layers*.digest
        reg.manifest('demo/app', '1.0').layers*.mediaType == ['application/vnd.docker.image.rootfs.diff.tar.gzip'] * 2

        and: 'skopeo reads both back, checking every blob'
        reg.copyOut('demo/app', '1.0', new File(tmp, 'back-1')).exists()
        reg.copyOut('demo/app', '2.0', new File(tmp, 'back-2')).exists()
    }

    def "the same image from two archives, or two copies of a layout, is one image, not a conflict"() {
        given:
        def reg = registry()
        def base = [tags: ['demo/base:1.0'], layers: [['base', 100_000]]]
        def one = archive('one.tar', [base, [tags: ['demo/one:1.0'], layers: [['base', 100_000], ['one', 20_000]]]])
        def two = archive('two.tar', [base, [tags: ['demo/two:1.0'], layers: [['base', 100_000], ['two', 20_000]]]])
        def layoutA = new File(tmp, 'layout-a')
        def layoutB = new File(tmp, 'layout-b')
        def digest = images().ociLayoutBySkopeo(one, 'demo/one:1.0', layoutA, 'demo/one:1.0')
        images().ociLayoutBySkopeo(one, 'demo/one:1.0', layoutB, 'demo/one:1.0')

        when:
        def archives = hoist(['push', one.path, two.path, '--to', reg.host, '--json'])
        def layouts = hoist(['push', "oci:${layoutA.path}".toString(), "oci:${layoutB.path}".toString(), '--to', "${reg.host}/copies".toString(), '--json'])

        then:
        archives.exit == 0
        archives.json.images*.target.sort() == ["${reg.host}/demo/base:1.0", "${reg.host}/demo/one:1.0", "${reg.host}/demo/two:1.0"]*.toString()
        layouts.exit == 0
        layouts.json.images.size() == 1
        reg.manifestDigest('copies/demo/one', '1.0') == digest
    }

    def "two tags of a layout naming one manifest are one image for a target with a tag; different content still conflicts"() {
        given:
        def reg = registry()
        def app = archive('app.tar', [[tags: ['demo/app:1.0'], layers: [['base', 100_000]]],
                                      [tags: ['demo/app:2.0'], layers: [['other', 100_000]]]])
        def layout = new File(tmp, 'layout')
        def digest = images().ociLayoutBySkopeo(app, 'demo/app:1.0', layout, '1.0')
        images().ociLayoutBySkopeo(app, 'demo/app:1.0', layout, 'latest')
        def mixed = new File(tmp, 'mixed')
        images().ociLayoutBySkopeo(app, 'demo/app:1.0', mixed, '1.0')
        images().ociLayoutBySkopeo(app, 'demo/app:2.0', mixed, '2.0')

        when:
        def same = hoist(['push', "oci:${layout.path}".toString(), "${reg.host}/app:stable".toString()])
        def different = hoist(['push', "oci:${mixed.path}".toString(), "${reg.host}/app:other".toString()])

        then:
        same.exit == 0
        reg.manifestDigest('app', 'stable') == digest
        different.exit == 2
        different.err.contains('the source holds 2 images')
    }

    def "reads skopeo's layout references, split at the first colon: #name"() {
        given:
        def reg = registry()
        def app = archive('app.tar', [[tags: ['demo/app:1.0'], layers: [['base', 80_000]]]])
        def layout = new File(tmp, 'layout')
        def digest = images().ociLayoutBySkopeo(app, 'demo/app:1.0', layout, name)

        when:
        def run = hoist(['push', "oci:${layout.path}:${name}".toString(), "${reg.host}/app:1".toString()])

        then:
        run.exit == 0
        reg.manifestDigest('app', '1') == digest

        where:
        name << ['docker.io/library/alpine:3.19', 'demo/app:1.0', '1.0']
    }

    def "--to oci:DIR:NAME names the image the way skopeo does, so skopeo reads it back by that name"() {
        given:
        def app = archive('app.tar', [[tags: ['demo/app:1.0'], layers: [['base', 80_000]]]])
        def layout = new File(tmp, 'layout')
        def digest = images().ociLayoutBySkopeo(app, 'demo/app:1.0', layout, '1.0')
        def out = new File(tmp, 'out')

        when:
        def bare = hoist(['push', "oci:${layout.path}:1.0".toString(), '--to', "oci:${out.path}:2.0".toString()])
        def full = hoist(['push', "oci:${layout.path}:1.0".toString(), '--to', "oci:${out.path}:demo/app:3.0".toString()])

        then:
        bare.exit == 0
        full.exit == 0
        out.isDirectory()
        !new File(tmp, 'out:2.0').exists()
        Images.skopeoDigest("oci:${out.path}:2.0") == digest
        Images.skopeoDigest("oci:${out.path}:demo/app:3.0") == digest
    }

    def "an index entry without a mediaType is read by its content's own, at the top and nested"() {
        given:
        def reg = registry()
        def corpus = new Corpus(new File(tmp, 'layout'), images())
        def amd = corpus.image([['a', 40_000]], 'amd64')
        def arm = corpus.image([['b', 40_000]], 'arm64')
        def inner = corpus.index([Corpus.without(Corpus.withPlatform(amd, 'linux', 'amd64'), 'mediaType'),
                                  Corpus.withPlatform(arm, 'linux', 'arm64')])
        def outer = corpus.index([Corpus.without(inner, 'mediaType')])
        corpus.entry(Corpus.without(outer, 'mediaType'), 'v1')

        when:
        def run = hoist(['push', "oci:${corpus.layout.path}:v1".toString(), "${reg.host}/nested:v1".toString()])

        then:
        run.exit == 0
        reg.manifestDigest('nested', 'v1') == outer.digest
        reg.manifestDigest('nested', inner.digest as String) == inner.digest
        reg.manifestDigest('nested', amd.digest as String) == amd.digest
        reg.copyOut('nested', amd.digest as String, new File(tmp, 'back')).exists()
        reg.copyOut('nested', arm.digest as String, new File(tmp, 'back')).exists()
    }

    def "an index entry without a mediaType naming something neither manifest nor index is one line, exit 2"() {
        given:
        def corpus = new Corpus(new File(tmp, 'layout'), images())
        def odd = corpus.blob('{"hello":"world"}'.getBytes('UTF-8'), null)
        corpus.entry(Corpus.without(corpus.index([Corpus.without(odd, 'mediaType')]), 'mediaType'), 'v1')

        when:
        def run = hoist(['push', "oci:${corpus.layout.path}:v1".toString(), '127.0.0.1:9/x:v1'])

        then:
        run.exit == 2
        run.err.readLines().size() == 1
        run.err.contains(odd.digest as String)
        run.err.contains('no mediaType')
    }
}
