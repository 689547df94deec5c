package dev.hoist.dsl

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry
import groovy.json.JsonSlurper

/** The words of the language not shown by the examples, each against a real registry. */
class WordsSpec extends IntegrationSpec {

    File dist

    def setup() {
        dist = new File(tmp, 'dist')
        dist.mkdirs()
        images().dockerArchive(new File(dist, 'app.tar'), [
                [tags: ['demo/app:1.0.0'], layers: [['base', 50_000], ['a100', 10_000]]],
                [tags: ['demo/app:1.0.1'], layers: [['base', 50_000], ['a101', 10_000]]],
                [tags: ['demo/app:1.1.0'], layers: [['base', 50_000], ['a110', 10_000]]],
                [tags: ['demo/app:2.0.0'], layers: [['base', 50_000], ['a200', 10_000]]],
                [tags: ['other/x:1.0.0'], layers: [['base', 50_000], ['x100', 10_000]]],
        ])
    }

    File script(String name, String text) {
        def f = new File(tmp, name)
        f.text = text
        f
    }

    def "filters, mapping and run options: latestPer, any, not, where, sizes, dates, platform, onExisting, included methods and params"() {
        given:
        def reg = registry()
        script('lib.groovy', '''
def targetFor(String host) { "${host}/${params.get('ns', 'lib')}" }
registry 'mirror', { url "http://${params.host}"; retries 2 }
''')
        def f = script('words.groovy', """
include 'lib.groovy'
def newest = filter {
    any(repository('demo/*'), repository('nothing/*'))
    not(tag('2.*'))
    latestPer 'minor', 1
    platform 'linux/amd64'
    minSize 1.KiB
    maxSize 10.MB
    createdAfter daysAgo(20000)
    createdBefore '2100-01-01'
    label 'label'
    where { img -> img.repository.startsWith('demo/') && img.created != null && img.labels.label }
}
plan 'p', {
    from archives('dist/*.tar')
    select newest
    to targetFor(registry('mirror').host), layout('out')
    rename '{name}:v{tag}'
    concurrency 2
    retries 1
    failFast false
    onExisting 'skip'
}
println "selected " + images('p').collect { it.toString() }.sort().join(' ')
def first = push 'p'
def again = push plan('p')
println "first pushed=\${first.pushed.size()} bytes=\${first.bytesSent > 0} ok=\${first.ok}"
println "again upToDate=\${again.upToDate.size()} pushed=\${again.pushed.size()} took=\${again.duration.toMillis() >= 0}"
println "json=" + new groovy.json.JsonSlurper().parseText(again.toJson()).totals.upToDate
""")

        when:
        def run = hoist(['run', f.path, '-P', "host=${reg.host}".toString(), '-P', 'ns=team', '-q'])

        then:
        run.exit == 0
        run.out.contains('selected demo/app:1.0.1 demo/app:1.1.0')
        run.out.contains('first pushed=4 bytes=true ok=true')
        run.out.contains('again upToDate=4 pushed=0 took=true')
        run.out.contains('json=4')
        reg.hasTag('team/app', 'v1.0.1')
        reg.hasTag('team/app', 'v1.1.0')
        !reg.hasTag('team/app', 'v1.0.0')
        !reg.hasTag('team/app', 'v2.0.0')
        !reg.hasTag('team/x', 'v1.0.0')
        new File(tmp, 'out/index.json').text.contains('app:v1.1.0')
    }

    def "onExisting 'fail' fails an image whose tag exists, exit 1; dryRun returns what would be sent without writing"() {
        given:
        def reg = registry()
        def f = script('fail.groovy', """
plan 'p', {
    from 'dist/app.tar'
    select { tag '2.0.0' }
    to '${reg.host}/ns'
    onExisting 'fail'
}
def preview = dryRun 'p'
println "dry=\${preview.dryRun} toSend=\${preview.bytesToSend > 0} uploads=\${preview.blobsUploaded}"
def r = push 'p'
def r2 = push 'p'
r2.failed.each { println "failed \${it.target}: \${it.error}" }
""")

        when:
        def run = hoist(['run', f.path, '-q'])

        then:
        run.exit == 1
        run.out.contains('dry=true toSend=true uploads=3')
        run.out.contains("failed ${reg.host}/ns/demo/app:2.0.0: the tag exists already (onExisting 'fail')")
    }

    def "credentials from parts, a file, docker's config and hoist's login store; TLS with a client certificate"() {
        given:
        def basic = registry(Registry.Variant.BASIC)
        def mtls = registry(Registry.Variant.MTLS)
        new File(tmp, 'creds.txt').text = "${Registry.USER}:${Registry.PASSWORD}\n"
        def dockerConfig = new File(tmp, 'docker-config')
        dockerConfig.mkdirs()
        new File(dockerConfig, 'config.json').text = groovy.json.JsonOutput.toJson([auths: [(basic.host): [auth:
                "${Registry.USER}:${Registry.PASSWORD}".bytes.encodeBase64().toString()]]])
        assert hoist(['login', basic.host, '-u', Registry.USER, '--password-stdin'], [:], Registry.PASSWORD).exit == 0
        def f = script('creds.groovy', """
registry 'parts', { host '${basic.host}'; namespace 'parts'; username '${Registry.USER}'; password env('REG_PASSWORD') }
registry 'file', { host '${basic.host}'; namespace 'file'; credentials file('creds.txt') }
registry 'docker', { host '${basic.host}'; namespace 'docker'; credentials env('UNSET_U', 'UNSET_P'), dockerConfig() }
registry 'store', { host '${basic.host}'; namespace 'store'; credentials login() }
registry 'mtls', {
    host '${mtls.host}'
    caCert '${mtls.certs.caCert.path}'
    clientCert '${mtls.certs.clientCert.path}'
    clientKey '${mtls.certs.clientKey.path}'
}
['parts', 'file', 'docker', 'store', 'mtls'].each { name ->
    plan name, { from 'dist/app.tar'; select { tag '1.1.0' }; to registry(name) }
    def r = push name
    println "\${name} ok=\${r.ok}"
}
""")

        when:
        def run = hoist(['run', f.path, '-q'], [REG_PASSWORD: Registry.PASSWORD])

        then:
        run.exit == 0
        ['parts', 'file', 'docker', 'store', 'mtls'].every { run.out.contains("${it} ok=true") }
        ['parts', 'file', 'docker', 'store'].every { basic.hasTag("${it}/demo/app", '1.1.0') }
        mtls.hasTag('demo/app', '1.1.0')
        !run.out.contains(Registry.PASSWORD)
        !run.err.contains(Registry.PASSWORD)
    }

    def "a build block with its options; the @BaseScript line editors use is accepted"() {
        given:
        def reg = registry()
        def site = new File(tmp, 'site')
        site.mkdirs()
        new File(site, 'index.html').text = '<p>hi</p>'
        def f = script('build.groovy', """
@groovy.transform.BaseScript dev.hoist.dsl.HoistScript script
def r = push {
    from build('site') {
        tag 'demo/site:1.0'
        from 'scratch'
        dest '/srv'
        entrypoint '/bin/server', '--port', '8080'
        cmd '--verbose'
        env 'MODE', 'production'
        label 'team', 'web'
        workdir '/srv'
        user '1000'
        platform 'linux/amd64'
        created java.time.Instant.parse('2024-05-01T00:00:00Z')
    }
    to '${reg.host}/built'
}
println "built \${r.pushed*.target.join(',')}"
""")

        when:
        def run = hoist(['run', f.path, '-q'])
        def inspected = dev.hoist.support.Proc.run(['skopeo', 'inspect', '--config', '--tls-verify=false',
                                                    "docker://${reg.host}/built/demo/site:1.0".toString()])
        def config = new JsonSlurper().parseText(inspected.out).config

        then:
        run.exit == 0
        run.out.contains("built ${reg.host}/built/demo/site:1.0")
        config.Env.contains('MODE=production')
        config.Entrypoint == ['/bin/server', '--port', '8080']
        config.Cmd == ['--verbose']
        config.User == '1000'
        config.WorkingDir == '/srv'
        config.Labels.team == 'web'
        hoist(['check', f.path]).exit == 0
    }

    def "daemon('PATTERN') pushes the Docker daemon's matching images, keeping their image IDs"() {
        given:
        def dockerd = dev.hoist.support.Dockerd.get()
        def archive = new File(tmp, 'load.tar')
        def ids = images().dockerArchive(archive, [[tags: ['dsl/app:1.0'], layers: [['dsl-base', 40_000]]],
                                                   [tags: ['other/db:1.0'], layers: [['dsl-db', 10_000]]]])
        dockerd.load(archive)
        def reg = registry()
        def f = script('daemon.groovy', """
plan 'd', { from daemon('dsl/*'); to '${reg.host}/ns' }
println images('d').collect { it.repository + ':' + it.tag }.join(',')
push 'd'
""")

        when:
        def run = hoist(['run', f.path, '-q'], dockerd.env())

        then:
        run.exit == 0
        run.out.contains('dsl/app:1.0')
        !run.out.contains('other/db')
        reg.manifest('ns/dsl/app', '1.0').config.digest == ids[0]
    }

    def "compression on a plan, or on its registry, picks how hoist compresses layers"() {
        given:
        def reg = registry()
        def f = script('zstd.groovy', """
registry 'z', { host '${reg.host}'; namespace 'z'; compression 'zstd' }
plan 'byRegistry', { from 'dist/app.tar'; select { tag '1.0.0' }; to registry('z') }
plan 'byPlan', { from 'dist/app.tar'; select { tag '1.1.0' }; to '${reg.host}/p'; compression 'zstd', 3 }
push 'byRegistry'
push 'byPlan'
""")

        when:
        def run = hoist(['run', f.path, '-q'])

        then:
        run.exit == 0
        reg.manifest('z/demo/app', '1.0.0').layers.every { it.mediaType.endsWith('+zstd') }
        reg.manifest('p/demo/app', '1.1.0').layers.every { it.mediaType.endsWith('+zstd') }
        reg.copyOut('p/demo/app', '1.1.0', new File(tmp, 'rb')).exists()
    }
}
