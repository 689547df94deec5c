package dev.hoist.push

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry

class TlsSpec extends IntegrationSpec {

    File archive
    Registry reg

    def setup() {
        archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 100_000]]]])
        reg = registry(Registry.Variant.TLS)
    }

    def "trusts a registry's CA given with --ca-cert"() {
        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '--ca-cert', reg.certs.caCert.path])

        then:
        run.exit == 0
        reg.hasTag('demo/app', '1.0')
    }

    def "accepts a self-signed certificate with --insecure"() {
        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '--insecure'])

        then:
        run.exit == 0
        reg.hasTag('demo/app', '1.0')
    }

    def "refuses an untrusted certificate without either, in one line saying what to do"() {
        when:
        def run = hoist(['push', archive.path, "${reg.host}/demo/app:1.0".toString(), '-q'])

        then:
        run.exit == 1
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.contains('not trusted')
        run.err.contains('--ca-cert')
        !reg.hasTag('demo/app', '1.0')
    }

    def "falls back to plain HTTP for a loopback registry, as docker does"() {
        given:
        def plain = registry(Registry.Variant.PLAIN)

        expect:
        hoist(['push', archive.path, "${plain.host}/demo/app:1.0".toString()]).exit == 0
        hoist(['push', archive.path, "localhost:${plain.port}/demo/app:2.0".toString()]).exit == 0
        plain.hasTag('demo/app', '2.0')
    }
}
