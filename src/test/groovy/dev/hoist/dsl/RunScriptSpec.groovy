package dev.hoist.dsl

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry

class RunScriptSpec extends IntegrationSpec {

    File dist

    def setup() {
        dist = new File(tmp, 'dist')
        dist.mkdirs()
        def img = images()
        img.dockerArchive(new File(dist, 'app.tar'), [
                [tags: ['demo/app:1.0'], layers: [['base', 60_000], ['app10', 20_000]]],
                [tags: ['demo/app:1.1'], layers: [['base', 60_000], ['app11', 20_000]]],
                [tags: ['demo/app:2.0'], layers: [['base', 60_000], ['app20', 20_000]]],
        ])
        img.dockerArchive(new File(dist, 'debug.tar'), [
                [tags: ['demo/app-debug:1.0'], layers: [['base', 60_000], ['dbg', 20_000]]],
        ])
    }

    File script(String text) {
        def f = new File(tmp, 'push.groovy')
        f.text = text
        f
    }

    def "one plan pushes to a plain-HTTP registry and a TLS registry with its own CA; digests read back"() {
        given:
        def plain = registry()
        def tls = registry(Registry.Variant.TLS)
        def f = script("""
registry 'mirror', { host '${plain.host}'; namespace 'mirror' }
registry 'secure', {
    url 'https://${tls.host}/team'
    caCert '${tls.certs.caCert.path}'
    maxRequests 4
    chunkSize 64.KiB
}
def stable = filter {
    repository 'demo/*'
    exclude repository('**-debug')
    tag semver('>=1.0 <2')
    latest 1
}
plan 'release', {
    from archives('dist/*.tar')
    select stable
    to registry('mirror'), registry('secure')
    stripPrefix 'demo/'
    addTag 'stable'
}
def result = push 'release'
println "pushed=\${result.pushed.size()} failed=\${result.failed.size()} bytes=\${result.bytesSent > 0}"
result.pushed.each { println "got \${it.target}@\${it.digest}" }
""")

        when:
        def run = hoist(['run', f.path, '--json', new File(tmp, 'report.json').path, '-q'])
        def report = new groovy.json.JsonSlurper().parse(new File(tmp, 'report.json'))

        then:
        run.exit == 0
        run.out.contains('pushed=4 failed=0 bytes=true')
        report.images.size() == 4
        report.images*.target.toSet() == ["${plain.host}/mirror/app:1.1", "${plain.host}/mirror/app:stable",
                                          "${tls.host}/team/app:1.1", "${tls.host}/team/app:stable"].collect { it.toString() }.toSet()
        report.images.every { img ->
            def ref = img.target.substring(img.target.indexOf('/') + 1)
            def (repo, tag) = ref.split(':')
            def reg = img.target.startsWith(plain.host) ? plain : tls
            reg.manifestDigest(repo, tag) == img.digest
        }
        !plain.hasTag('mirror/app', '2.0')
        !plain.hasTag('mirror/app', '1.0')
        !plain.hasTag('mirror/app-debug', '1.0')
        tls.copyOut('team/app', 'stable', new File(tmp, 'readback')).exists()
    }
}
