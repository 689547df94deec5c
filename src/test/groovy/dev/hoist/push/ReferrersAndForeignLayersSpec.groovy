package dev.hoist.push

import dev.hoist.support.Corpus
import dev.hoist.support.Images
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Proc
import dev.hoist.support.Registry
import groovy.json.JsonSlurper

/**
 * Referrers (what cosign and oras attach: manifests with a subject), buildx attestation indexes,
 * foreign layers and zstd layers, in layouts written by test code and by skopeo, pushed to Debian's
 * docker-registry (distribution 2.8, which has no referrers API) and read back.
 */
class ReferrersAndForeignLayersSpec extends IntegrationSpec {

    static final String ALLOW_URLS = '''validation:
  manifests:
    urls:
      allow:
        - ^https?://'''

    static final String FOREIGN = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'

    Corpus corpus() {
        new Corpus(new File(tmp, 'layout'), images())
    }

    /** GET on a registry path: the status and the body. */
    static Map get(Registry reg, String path, String accept = Corpus.OCI_INDEX) {
        def c = (HttpURLConnection) new URL("http://${reg.host}${path}").openConnection()
        c.setRequestProperty('Accept', accept)
        int status = c.responseCode
        def body = status < 400 ? c.inputStream.bytes : (c.errorStream?.bytes ?: new byte[0])
        [status: status, body: body]
    }

    static String fallbackTag(String digest) {
        digest.replace(':', '-')
    }

    def "pushes an image's referrers after it, by digest, and keeps the referrers tag schema index for a registry without the API"() {
        given: 'an image tagged v1, a signature and an SBOM whose subject it is, and a signature of the SBOM, untagged as cosign and oras leave them'
        def reg = registry()
        def c = corpus()
        def image = c.image([['base', 60_000], ['app', 20_000]])
        def sig = c.referrer(image, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'signature')
        def sbom = c.referrer(image, 'application/spdx+json', '{"spdxVersion":"SPDX-2.3"}')
        def sbomSig = c.referrer(sbom, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'sbom signature')
        c.entry(image, 'v1').entry(sig).entry(sbom).entry(sbomSig)

        expect: "Debian's docker-registry has no referrers API: the fallback is what keeps them findable"
        get(reg, "/v2/anything/referrers/${image.digest}").status == 404

        when:
        def run = hoist(['push', "oci:${c.layout.path}".toString(), '--to', "${reg.host}/team".toString(), '--json'])

        then: 'one image, its tag, and each referrer under its own digest'
        run.exit == 0
        run.json.images.size() == 1
        reg.manifestDigest('team/layout', 'v1') == image.digest
        [sig, sbom, sbomSig].every { reg.manifestDigest('team/layout', it.digest as String) == it.digest }

        and: 'the sha256-<hex> index lists the image referrers with their artifact types, the SBOM has its own'
        def fallback = reg.manifest('team/layout', fallbackTag(image.digest as String))
        fallback.mediaType == Corpus.OCI_INDEX
        fallback.manifests*.digest as Set == [sig.digest, sbom.digest] as Set
        fallback.manifests.find { it.digest == sbom.digest }.artifactType == 'application/spdx+json'
        reg.manifest('team/layout', fallbackTag(sbom.digest as String)).manifests*.digest == [sbomSig.digest]
        reg.copyOut('team/layout', sig.digest as String, new File(tmp, 'sig-back')).exists()

        when: 'a new referrer is attached and the layout pushed again'
        def later = c.referrer(image, 'application/vnd.in-toto+json', '{"predicateType":"x"}')
        c.entry(later)
        def again = hoist(['push', "oci:${c.layout.path}".toString(), '--to', "${reg.host}/team".toString(), '--json'])

        then: 'the fallback index keeps what it listed and adds the new one; the image is up to date'
        again.exit == 0
        again.json.totals.upToDate == 1
        reg.manifest('team/layout', fallbackTag(image.digest as String)).manifests*.digest as Set == [sig.digest, sbom.digest, later.digest] as Set
    }

    def "--no-referrers leaves them out; an untagged referrer does not count as an image of the layout"() {
        given:
        def reg = registry()
        def c = corpus()
        def image = c.image([['base', 40_000]])
        def sig = c.referrer(image, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'signature')
        c.entry(image).entry(sig)

        when: 'the only untagged image of the layout is pushed: its signature is a referrer, not a second image'
        def run = hoist(['push', "oci:${c.layout.path}".toString(), "${reg.host}/plain:1".toString(), '--no-referrers'])

        then:
        run.exit == 0
        reg.manifestDigest('plain', '1') == image.digest
        get(reg, "/v2/plain/manifests/${sig.digest}").status == 404
        !reg.hasTag('plain', fallbackTag(image.digest as String))
    }

    def "pushes to a layout with referrers as untagged index entries, which a later push from that layout carries on"() {
        given:
        def reg = registry()
        def c = corpus()
        def image = c.image([['base', 40_000]])
        def sig = c.referrer(image, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'signature')
        c.entry(image, 'v1').entry(sig)
        def out = new File(tmp, 'out')

        when:
        def toLayout = hoist(['push', "oci:${c.layout.path}:v1".toString(), '--to', "oci:${out.path}".toString()])
        def fromLayout = hoist(['push', "oci:${out.path}".toString(), '--to', reg.host])

        then:
        toLayout.exit == 0
        def index = new JsonSlurper().parse(new File(out, 'index.json'))
        def entry = index.manifests.find { it.digest == sig.digest }
        entry.artifactType == 'application/vnd.dev.cosign.artifact.sig.v1+json'
        !entry.annotations?.containsKey('org.opencontainers.image.ref.name')
        fromLayout.exit == 0
        reg.manifestDigest('layout', 'v1') == image.digest
        reg.manifest('layout', fallbackTag(image.digest as String)).manifests*.digest == [sig.digest]
    }

    def "a buildx index with attestation manifests and a signed index: pushed digest-exact, listed as attestation for its platform"() {
        given:
        def reg = registry()
        def c = corpus()
        def amd = c.image([['amd', 40_000]], 'amd64')
        def arm = c.image([['arm', 40_000]], 'arm64')
        def provenance = c.blob('{"predicateType":"https://slsa.dev/provenance/v0.2"}'.getBytes('UTF-8'), 'application/vnd.in-toto+json')
        def attestConfig = c.blob('{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}'.getBytes('UTF-8'), Corpus.OCI_CONFIG)
        def attest = c.manifest([schemaVersion: 2, mediaType: Corpus.OCI_MANIFEST, config: attestConfig,
                                 layers: [provenance + [annotations: ['in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2']]]])
        def index = c.index([Corpus.withPlatform(amd, 'linux', 'amd64'), Corpus.withPlatform(arm, 'linux', 'arm64'),
                             Corpus.withPlatform(attest, 'unknown', 'unknown') + [annotations: ['vnd.docker.reference.type'  : 'attestation-manifest',
                                                                                                 'vnd.docker.reference.digest': amd.digest]]])
        def sig = c.referrer(index, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'index signature')
        c.entry(index, 'v1').entry(sig)

        when:
        def listed = hoist(['images', "oci:${c.layout.path}".toString()])
        def listedJson = hoist(['images', "oci:${c.layout.path}".toString(), '--json'])
        def run = hoist(['push', "oci:${c.layout.path}:v1".toString(), "${reg.host}/multi:v1".toString()])

        then: 'the attestation shows what it attests, the signature shows under its subject'
        listed.exit == 0
        listed.out.contains('linux/amd64,linux/arm64,attestation for linux/amd64')
        !listed.out.contains('unknown/unknown')
        listed.out.readLines().find { it.contains('└ referrer') }.contains(sig.digest as String)
        listedJson.json[0].referrers*.digest == [sig.digest]

        and:
        run.exit == 0
        reg.manifestDigest('multi', 'v1') == index.digest
        reg.manifestDigest('multi', attest.digest as String) == attest.digest
        reg.manifestDigest('multi', sig.digest as String) == sig.digest
        reg.manifest('multi', fallbackTag(index.digest as String)).manifests*.digest == [sig.digest]
        reg.copyOut('multi', 'v1', new File(tmp, 'back')).exists()
    }

    def "a foreign layer missing from the layout, as skopeo leaves it, is not uploaded; a registry that accepts such manifests gets the image digest-exact"() {
        given:
        def strict = registry()
        def lenient = registry(Registry.Variant.PLAIN, ALLOW_URLS)
        def c = corpus()
        def foreignBytes = Images.gzip(images().layer('windows-base', 30_000))
        def foreign = [mediaType: FOREIGN, digest: Images.sha256(foreignBytes), size: foreignBytes.length,
                       urls: ['https://mcr.microsoft.com/v2/windows/servercore/blobs/' + Images.sha256(foreignBytes)]]
        def tars = [images().layer('windows-base', 30_000), images().layer('app', 20_000)]
        def config = c.blob(Images.config(tars, 'windows', 'amd64'), 'application/vnd.docker.container.image.v1+json')
        def appLayer = c.blob(Images.gzip(tars[1]), 'application/vnd.docker.image.rootfs.diff.tar.gzip')
        def image = c.manifest([schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
                                config: config, layers: [foreign, appLayer]])
        c.entry(image, 'win')

        when:
        def refused = hoist(['push', "oci:${c.layout.path}:win".toString(), "${strict.host}/win:1".toString()])
        def accepted = hoist(['push', "oci:${c.layout.path}:win".toString(), "${lenient.host}/win:1".toString(), '--json'])

        then: 'the registry that refuses URLs says so in one line, and no tag is left'
        refused.exit == 1
        refused.err.readLines().findAll { it.startsWith('hoist:') && it.contains('foreign layer') }.size() == 1
        !refused.err.contains('retrying')
        refused.err.contains('--allow-nondistributable-artifacts')
        !strict.hasTag('win', '1')

        and: 'the other takes the manifest as it is; the foreign blob never went up'
        accepted.exit == 0
        lenient.manifestDigest('win', '1') == image.digest
        get(lenient, "/v2/win/blobs/${foreign.digest}").status == 404
        get(lenient, "/v2/win/blobs/${appLayer.digest}").status == 200
        accepted.json.totals.blobs.uploaded == 2
    }

    def "--allow-nondistributable-artifacts uploads a foreign layer the layout holds; without it, the blob stays behind"() {
        given:
        def reg = registry(Registry.Variant.PLAIN, ALLOW_URLS)
        def c = corpus()
        def tars = [images().layer('windows-base', 30_000)]
        def foreign = c.blob(Images.gzip(tars[0]), FOREIGN) + [urls: ['https://example.com/foreign-layer']]
        def config = c.blob(Images.config(tars, 'windows', 'amd64'), 'application/vnd.docker.container.image.v1+json')
        def image = c.manifest([schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
                                config: config, layers: [foreign]])
        c.entry(image, 'win')

        when:
        def without = hoist(['push', "oci:${c.layout.path}:win".toString(), "${reg.host}/left:1".toString()])
        def with = hoist(['push', "oci:${c.layout.path}:win".toString(), "${reg.host}/sent:1".toString(), '--allow-nondistributable-artifacts'])

        then:
        without.exit == 0
        get(reg, "/v2/left/blobs/${foreign.digest}").status == 404
        with.exit == 0
        reg.manifestDigest('sent', '1') == image.digest
        get(reg, "/v2/sent/blobs/${foreign.digest}").status == 200
    }

    def "a docker-save archive of a Windows image: the foreign layer it names in LayerSources keeps its descriptor and is not uploaded"() {
        given: 'an archive as docker save writes one: the base layer uncompressed, LayerSources naming the blob it was pulled as'
        def reg = registry(Registry.Variant.PLAIN, ALLOW_URLS)
        def base = images().layer('windows-base', 30_000)
        def app = images().layer('app', 20_000)
        def pulledAs = Images.gzip(base)
        def foreign = [mediaType: FOREIGN, size: pulledAs.length, digest: Images.sha256(pulledAs),
                       urls: ['https://mcr.microsoft.com/v2/windows/nanoserver/blobs/' + Images.sha256(pulledAs)]]
        def root = new File(tmp, 'save')
        def cfg = Images.config([base, app], 'windows', 'amd64')
        new File(root, "${Images.hex(Images.sha256(cfg))}.json").with { parentFile.mkdirs(); bytes = cfg }
        def paths = [base, app].collect { l ->
            def d = new File(root, Images.hex(Images.sha256(l)))
            d.mkdirs()
            new File(d, 'layer.tar').bytes = l
            "${d.name}/layer.tar".toString()
        }
        new File(root, 'manifest.json').text = groovy.json.JsonOutput.toJson([[Config: "${Images.hex(Images.sha256(cfg))}.json".toString(),
                RepoTags: ['demo/win:1.0'], Layers: paths, LayerSources: [(Images.sha256(base)): foreign]]])
        def archive = new File(tmp, 'win.tar')
        Proc.ok(['tar', '-C', root.path, '-cf', archive.path, '.'])

        when:
        def run = hoist(['push', archive.path, "${reg.host}/win:1.0".toString()])

        then: 'the manifest names the foreign layer as docker push would: its media type, digest, size and urls'
        run.exit == 0
        def manifest = reg.manifest('win', '1.0')
        manifest.layers[0] == foreign
        manifest.layers[1].mediaType == 'application/vnd.docker.image.rootfs.diff.tar.gzip'
        get(reg, "/v2/win/blobs/${foreign.digest}").status == 404
        get(reg, "/v2/win/blobs/${manifest.layers[1].digest}").status == 200
    }

    def "pushes a layout skopeo wrote with zstd layers digest-exact, and skopeo reads it back"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 120_000], ['app', 30_000]]]])
        def layout = new File(tmp, 'zstd')
        Proc.ok(['skopeo', 'copy', '-q', '--dest-compress-format', 'zstd', "docker-archive:${archive.path}:demo/app:1.0".toString(),
                 "oci:${layout.path}:demo/app:1.0".toString()])
        def digest = Images.skopeoDigest("oci:${layout.path}:demo/app:1.0")
        def manifest = new JsonSlurper().parse(new File(layout, "blobs/sha256/${Images.hex(digest)}"))
        assert manifest.layers*.mediaType.every { it == 'application/vnd.oci.image.layer.v1.tar+zstd' }

        when:
        def run = hoist(['push', "oci:${layout.path}:demo/app:1.0".toString(), "${reg.host}/zstd:1.0".toString()])

        then:
        run.exit == 0
        reg.manifestDigest('zstd', '1.0') == digest
        reg.copyOut('zstd', '1.0', new File(tmp, 'back')).exists()
    }
}
