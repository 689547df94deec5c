package dev.hoist.support

import groovy.json.JsonOutput

import java.nio.file.Files
import java.security.MessageDigest
import java.util.zip.GZIPOutputStream

/**
 * Makes test images from seeds: docker-save archives (legacy and the OCI form of Docker 25+),
 * OCI layouts written by skopeo from them, and a hand-built multi-platform layout. Same seed, same
 * bytes, so digests are stable.
 */
class Images {

    final File dir

    Images(File dir) {
        this.dir = dir
        dir.mkdirs()
    }

    /** An uncompressed layer tar holding one file of {@code size} seeded bytes (half text, half random). */
    byte[] layer(String seed, int size) {
        def cached = new File(dir, "layer-${seed}-${size}.tar")
        if (cached.exists()) {
            return cached.bytes
        }
        def root = Files.createTempDirectory(dir.toPath(), 'root').toFile()
        def data = new File(root, "data/${seed}")
        data.parentFile.mkdirs()
        def random = new Random(seed.hashCode())
        def bytes = new byte[size]
        random.nextBytes(bytes)
        def text = ("hoist test layer ${seed}\n" * (size.intdiv(10) + 1)).getBytes('UTF-8')
        System.arraycopy(text, 0, bytes, 0, size.intdiv(2))
        data.bytes = bytes
        Proc.ok(['tar', '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', root.path,
                 '-cf', cached.path, 'data'])
        root.deleteDir()
        cached.bytes
    }

    static String sha256(byte[] bytes) {
        'sha256:' + MessageDigest.getInstance('SHA-256').digest(bytes).encodeHex().toString()
    }

    static byte[] config(List<byte[]> layers, String os = 'linux', String arch = 'amd64', String label = 'test') {
        def diffIds = layers.collect { sha256(it) }
        JsonOutput.toJson([architecture: arch, os: os, created: '2024-01-01T00:00:00Z',
                           config: [Cmd: ['/bin/sh'], Labels: [label: label]],
                           rootfs: [type: 'layers', diff_ids: diffIds]]).getBytes('UTF-8')
    }

    /**
     * A docker-save archive. Each image is a map: {@code tags} (list of REPO:TAG) and {@code layers}
     * (list of [seed, size]). {@code ociForm} writes the layout Docker 25+ uses.
     * Returns the image IDs (config digests) in order.
     */
    List<String> dockerArchive(File out, List<Map> images, boolean ociForm = false) {
        def root = Files.createTempDirectory(dir.toPath(), 'archive').toFile()
        def manifest = []
        def ids = []
        def index = []
        images.each { image ->
            def layers = image.layers.collect { layer(it[0] as String, it[1] as int) }
            def cfg = config(layers, 'linux', image.arch ?: 'amd64', image.tags ? image.tags[0] : 'untagged')
            def cfgDigest = sha256(cfg)
            ids << cfgDigest
            def layerPaths = []
            if (ociForm) {
                def blobs = new File(root, 'blobs/sha256')
                blobs.mkdirs()
                new File(blobs, hex(cfgDigest)).bytes = cfg
                layers.each { l ->
                    new File(blobs, hex(sha256(l))).bytes = l
                    layerPaths << "blobs/sha256/${hex(sha256(l))}".toString()
                }
                def ociManifest = JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
                        config: [mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfgDigest, size: cfg.length],
                        layers: layers.collect { [mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(it), size: it.length] }]).getBytes('UTF-8')
                new File(blobs, hex(sha256(ociManifest))).bytes = ociManifest
                (image.tags ?: [null]).each { tag ->
                    def d = [mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(ociManifest), size: ociManifest.length]
                    if (tag) {
                        d.annotations = ['io.containerd.image.name': "docker.io/${tag}".toString(),
                                         'org.opencontainers.image.ref.name': tag.substring(tag.lastIndexOf(':') + 1)]
                    }
                    index << d
                }
                manifest << [Config: "blobs/sha256/${hex(cfgDigest)}".toString(), RepoTags: image.tags ?: null, Layers: layerPaths]
            } else {
                new File(root, "${hex(cfgDigest)}.json").bytes = cfg
                layers.each { l ->
                    def d = new File(root, "${hex(sha256(l))}")
                    d.mkdirs()
                    new File(d, 'layer.tar').bytes = l
                    new File(d, 'VERSION').text = '1.0'
                    layerPaths << "${hex(sha256(l))}/layer.tar".toString()
                }
                manifest << [Config: "${hex(cfgDigest)}.json".toString(), RepoTags: image.tags ?: null, Layers: layerPaths]
            }
        }
        new File(root, 'manifest.json').text = JsonOutput.toJson(manifest)
        if (ociForm) {
            new File(root, 'oci-layout').text = '{"imageLayoutVersion":"1.0.0"}'
            new File(root, 'index.json').text = JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index])
        }
        Proc.ok(['tar', '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', root.path, '-cf', out.path, '.'])
        root.deleteDir()
        ids
    }

    /** An OCI layout written by skopeo from a docker-save archive; returns the manifest digest skopeo reports. */
    String ociLayoutBySkopeo(File archive, String ref, File layout, String tag) {
        Proc.ok(['skopeo', 'copy', '-q', "docker-archive:${archive.path}:${ref}".toString(), "oci:${layout.path}:${tag}".toString()])
        skopeoDigest("oci:${layout.path}:${tag}")
    }

    static String skopeoDigest(String ref) {
        def p = new ProcessBuilder('skopeo', 'inspect', '--raw', ref).start()
        def bytes = p.inputStream.bytes
        def err = p.errorStream.text
        if (p.waitFor() != 0) {
            throw new IllegalStateException("skopeo inspect ${ref}: ${err}")
        }
        sha256(bytes)
    }

    /**
     * A multi-platform OCI layout (linux/amd64 and linux/arm64/v8, sharing one layer) tagged
     * {@code tag}. Returns [index: digest, amd64: digest, arm64: digest].
     */
    Map<String, String> multiPlatformLayout(File layout, String tag) {
        def blobs = new File(layout, 'blobs/sha256')
        blobs.mkdirs()
        def put = { byte[] b -> new File(blobs, hex(sha256(b))).bytes = b; sha256(b) }
        def shared = gzip(layer('shared', 150_000))
        def result = [:]
        def children = []
        [['amd64', null], ['arm64', 'v8']].each { arch, variant ->
            def own = layer("own-${arch}", 60_000)
            def cfg = config([layer('shared', 150_000), own], 'linux', arch)
            def ownGz = gzip(own)
            put(shared); put(ownGz)
            def m = JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
                    config: [mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(cfg), size: cfg.length],
                    layers: [[mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(shared), size: shared.length],
                             [mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(ownGz), size: ownGz.length]]]).getBytes('UTF-8')
            def platform = [architecture: arch, os: 'linux']
            if (variant) {
                platform.variant = variant
            }
            children << [mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: put(m), size: m.length, platform: platform]
            result[arch] = sha256(m)
        }
        def index = JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: children]).getBytes('UTF-8')
        result.index = put(index)
        new File(layout, 'oci-layout').text = '{"imageLayoutVersion":"1.0.0"}'
        new File(layout, 'index.json').text = JsonOutput.toJson([schemaVersion: 2, manifests: [
                [mediaType: 'application/vnd.oci.image.index.v1+json', digest: result.index, size: index.length,
                 annotations: ['org.opencontainers.image.ref.name': tag]]]])
        result
    }

    /**
     * An OCI layout of {@code n} images tagged 1..n (or REPOSITORY:1..n), each with a config of its own and one
     * layer of {@code size} random bytes; with {@code shared}, one image under n tags (quick to write for large n).
     * Random bytes do not compress, so what is read is what is sent: for figures about bytes on the wire.
     */
    File randomLayout(File layout, int n, int size, boolean shared = false, String repository = null) {
        def blobs = new File(layout, 'blobs/sha256')
        blobs.mkdirs()
        def put = { byte[] b -> def d = sha256(b); new File(blobs, hex(d)).bytes = b; d }
        def random = new Random(n * 31L + size)
        Map common = null
        def manifests = (1..n).collect { i ->
            if (common != null) {
                return common + [annotations: ['org.opencontainers.image.ref.name': (repository ? "${repository}:${i}" : "${i}").toString()]]
            }
            byte[] layer = new byte[size]
            random.nextBytes(layer)
            def cfg = JsonOutput.toJson([architecture: 'amd64', os: 'linux', config: [Labels: [n: "${i}".toString()]],
                    rootfs: [type: 'layers', diff_ids: [sha256(layer)]]]).getBytes('UTF-8')
            def m = JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
                    config: [mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(cfg), size: cfg.length],
                    layers: [[mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: put(layer), size: layer.length]]]).getBytes('UTF-8')
            def entry = [mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: put(m), size: m.length]
            common = shared ? entry : null
            entry + [annotations: ['org.opencontainers.image.ref.name': (repository ? "${repository}:${i}" : "${i}").toString()]]
        }
        new File(layout, 'oci-layout').text = '{"imageLayoutVersion":"1.0.0"}'
        new File(layout, 'index.json').text = JsonOutput.toJson([schemaVersion: 2, manifests: manifests])
        layout
    }

    static byte[] gzip(byte[] data) {
        def bos = new ByteArrayOutputStream()
        new GZIPOutputStream(bos).withCloseable { it.write(data) }
        bos.toByteArray()
    }

    static String hex(String digest) {
        digest.substring(digest.indexOf(':') + 1)
    }
}
