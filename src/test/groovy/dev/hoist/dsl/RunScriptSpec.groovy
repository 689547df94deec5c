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

    def "hoist run --limit-rate holds each push to the rate; --dashboard off a terminal is one line and exit 2 before the script runs"() {
        given: 'a script pushing one image of ~600 kB that does not compress'
        def reg = registry()
        images().randomLayout(new File(tmp, 'layout'), 1, 600_000)
        def f = script("""
println 'script ran'
def r = push { from layout('layout'); to '${reg.host}/limited' }
println "pushed=\${r.pushed.size()}"
""")

        when:
        def started = System.nanoTime()
        def limited = hoist(['run', f.path, '--limit-rate', '200kB/s', '-q'])
        def seconds = (System.nanoTime() - started) / 1e9
        def dash = hoist(['run', f.path, '--dashboard'])

        then:
        limited.exit == 0
        limited.out.contains('pushed=1')
        seconds >= 2.0
        dash.exit == 2
        dash.err.trim() == 'hoist: the dashboard needs a terminal, and this is not one (try --progress plain or json)'
        !dash.out.contains('script ran')
    }
}
