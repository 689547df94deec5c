package dev.hoist.support

import groovy.json.JsonOutput

/**
 * Hand-written OCI layouts shaped like what tools this machine lacks write: buildx attestation
 * indexes, cosign/oras referrers (manifests with a {@code subject}), foreign (non-distributable)
 * layers, index entries without a media type, nested indexes. Blobs are written as given; every
 * helper returns the descriptor (as a map) of what it wrote.
 */
class Corpus {

    static final String OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
    static final String OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
    static final String OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
    static final String LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
    static final String EMPTY = 'application/vnd.oci.empty.v1+json'

    final File layout
    final Images images
    private final List<Map> entries = []

    Corpus(File layout, Images images) {
        this.layout = layout
        this.images = images
        new File(layout, 'blobs/sha256').mkdirs()
        new File(layout, 'oci-layout').text = '{"imageLayoutVersion":"1.0.0"}'
    }

    Map blob(byte[] bytes, String mediaType) {
        def digest = Images.sha256(bytes)
        new File(layout, "blobs/sha256/${Images.hex(digest)}").bytes = bytes
        [mediaType: mediaType, digest: digest, size: bytes.length]
    }

    /** A linux image of gzip layers made from seeds; {@code extra} descriptors are appended to its layers. */
    Map image(List<List> layers, String arch = 'amd64', List<Map> extra = [], Map manifestFields = [:]) {
        def tars = layers.collect { images.layer(it[0] as String, it[1] as int) }
        def config = blob(Images.config(tars, 'linux', arch), OCI_CONFIG)
        def descriptors = tars.collect { blob(Images.gzip(it), LAYER_GZIP) } + extra
        manifest([schemaVersion: 2, mediaType: OCI_MANIFEST, config: config, layers: descriptors] + manifestFields)
    }

    Map manifest(Map content) {
        blob(JsonOutput.toJson(content).getBytes('UTF-8'), content.mediaType as String ?: OCI_MANIFEST)
    }

    /** A cosign/oras-style artifact whose subject is {@code subject}: empty config, one small layer. */
    Map referrer(Map subject, String artifactType, String payload) {
        def empty = blob('{}'.getBytes('UTF-8'), EMPTY)
        def layer = blob(payload.getBytes('UTF-8'), 'application/vnd.dev.hoist.test+json')
        manifest([schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: artifactType, config: empty,
                  layers: [layer], subject: [mediaType: subject.mediaType, digest: subject.digest, size: subject.size],
                  annotations: ['org.opencontainers.image.created': '2024-01-01T00:00:00Z']])
    }

    Map index(List<Map> children, String mediaType = OCI_INDEX) {
        def content = [schemaVersion: 2, manifests: children]
        if (mediaType) {
            content = [schemaVersion: 2, mediaType: mediaType, manifests: children]
        }
        blob(JsonOutput.toJson(content).getBytes('UTF-8'), OCI_INDEX)
    }

    /** Adds an entry to index.json, tagged when {@code name} is given. */
    Corpus entry(Map descriptor, String name = null) {
        def d = new LinkedHashMap(descriptor)
        if (name) {
            d.annotations = ['org.opencontainers.image.ref.name': name]
        }
        entries << d
        new File(layout, 'index.json').text = JsonOutput.toJson([schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries])
        this
    }

    static Map withPlatform(Map descriptor, String os, String arch) {
        descriptor + [platform: [os: os, architecture: arch]]
    }

    static Map without(Map descriptor, String field) {
        descriptor.findAll { it.key != field }
    }
}
