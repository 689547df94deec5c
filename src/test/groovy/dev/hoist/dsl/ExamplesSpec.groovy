package dev.hoist.dsl

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry
import groovy.json.JsonSlurper

/** Every script of examples/ runs here against test registries, so none can rot. */
class ExamplesSpec extends IntegrationSpec {

    static final File EXAMPLES = new File('examples')

    Registry gitea
    Registry mirror

    def setup() {
        gitea = registry(Registry.Variant.TLS_BASIC)
        mirror = registry()
    }

    /** -P pairs pointing common.groovy at the test registries. */
    List<String> registries() {
        ['-P', "gitea=${gitea.host}".toString(), '-P', "giteaCa=${gitea.certs.caCert.path}".toString(),
         '-P', "mirror=http://${mirror.host}".toString()]
    }

    Map<String, String> giteaLogin() {
        [GITEA_USERNAME: Registry.USER, GITEA_PASSWORD: Registry.PASSWORD]
    }

    def "every example passes hoist check as it is"() {
        expect:
        EXAMPLES.listFiles().findAll { it.name.endsWith('.groovy') }.each { f ->
            def run = hoist(['check', f.path])
            assert run.exit == 0, "${f.name}: ${run}"
            assert !run.err.readLines().any { it.contains(': ') && !it.contains('warning:') && !it.contains(': ok (') }
        }
    }

    def "idpbuilder.groovy pushes archives to a TLS registry with its CA and a login from the environment; the secret is in no output"() {
        given:
        def dist = new File(tmp, 'dist')
        dist.mkdirs()
        images().dockerArchive(new File(dist, 'app.tar'), [[tags: ['demo/app:1.0'], layers: [['base', 80_000], ['app', 20_000]]]])
        images().dockerArchive(new File(dist, 'web.tar'), [[tags: ['demo/web:2.1'], layers: [['base', 80_000], ['web', 20_000]]]])

        when:
        def run = hoist(['run', new File(EXAMPLES, 'idpbuilder.groovy').path, '-P', "archives=${dist.path}/*.tar".toString(), '-v',
                         '--json', new File(tmp, 'report.json').path] + registries(), giteaLogin())
        def report = new JsonSlurper().parse(new File(tmp, 'report.json'))

        then:
        run.exit == 0
        report.images.size() == 2
        run.out.readLines().findAll { it.startsWith('pushed ') }.size() == 2
        report.images.every { img ->
            def repo = img.target.substring(img.target.indexOf('/') + 1).split(':')[0]
            def tag = img.target.split(':').last()
            gitea.manifestDigest(repo, tag) == img.digest
        }
        gitea.hasTag('giteaadmin/demo/app', '1.0')
        gitea.hasTag('giteaadmin/demo/web', '2.1')
        !run.out.contains(Registry.PASSWORD)
        !run.err.contains(Registry.PASSWORD)
        !new File(tmp, 'report.json').text.contains(Registry.PASSWORD)
    }

    def "mirror.groovy copies the newest 1.x of each repository of a layout to two registries, renamed and tagged; --dry-run writes nothing"() {
        given:
        def img = images()
        def archive = new File(tmp, 'all.tar')
        img.dockerArchive(archive, [
                [tags: ['demo/app:1.0'], layers: [['base', 60_000], ['a10', 10_000]]],
                [tags: ['demo/app:1.1'], layers: [['base', 60_000], ['a11', 10_000]]],
                [tags: ['demo/app:2.0'], layers: [['base', 60_000], ['a20', 10_000]]],
                [tags: ['demo/web:1.4'], layers: [['base', 60_000], ['w14', 10_000]]],
                [tags: ['demo/web-debug:1.4'], layers: [['base', 60_000], ['wd14', 10_000]]],
        ])
        def layout = new File(tmp, 'layout')
        def digests = [:]
        ['demo/app:1.0', 'demo/app:1.1', 'demo/app:2.0', 'demo/web:1.4', 'demo/web-debug:1.4'].each { ref ->
            digests[ref] = img.ociLayoutBySkopeo(archive, ref, layout, ref)
        }
        def digestFile = new File(tmp, 'mirror.digests')
        def args = ['run', new File(EXAMPLES, 'mirror.groovy').path, '-P', "layout=${layout.path}".toString(),
                    '-P', "digests=${digestFile.path}".toString(), '-q'] + registries()

        when:
        def dry = hoist(args + ['--dry-run'], giteaLogin())

        then:
        dry.exit == 0
        ['POST', 'PUT', 'PATCH', 'DELETE'].every { m -> gitea.countRequests(m, '/v2/') == 0 && mirror.countRequests(m, '/v2/') == 0 }
        !digestFile.exists()

        when:
        def run = hoist(args, giteaLogin())

        then:
        run.exit == 0
        gitea.manifestDigest('giteaadmin/mirror/app', '1.1') == digests['demo/app:1.1']
        gitea.manifestDigest('giteaadmin/mirror/app', 'mirrored') == digests['demo/app:1.1']
        gitea.manifestDigest('giteaadmin/mirror/web', '1.4') == digests['demo/web:1.4']
        mirror.manifestDigest('mirror/mirror/app', '1.1') == digests['demo/app:1.1']
        mirror.manifestDigest('mirror/mirror/web', 'mirrored') == digests['demo/web:1.4']
        !mirror.hasTag('mirror/mirror/app', '1.0')
        !mirror.hasTag('mirror/mirror/app', '2.0')
        !mirror.hasTag('mirror/mirror/web-debug', '1.4')
        digestFile.readLines().toSet() == ["${gitea.host}/giteaadmin/mirror/app:1.1@${digests['demo/app:1.1']}",
                                          "${gitea.host}/giteaadmin/mirror/app:mirrored@${digests['demo/app:1.1']}",
                                          "${gitea.host}/giteaadmin/mirror/web:1.4@${digests['demo/web:1.4']}",
                                          "${gitea.host}/giteaadmin/mirror/web:mirrored@${digests['demo/web:1.4']}",
                                          "${mirror.host}/mirror/mirror/app:1.1@${digests['demo/app:1.1']}",
                                          "${mirror.host}/mirror/mirror/app:mirrored@${digests['demo/app:1.1']}",
                                          "${mirror.host}/mirror/mirror/web:1.4@${digests['demo/web:1.4']}",
                                          "${mirror.host}/mirror/mirror/web:mirrored@${digests['demo/web:1.4']}"]*.toString().toSet()
    }

    def "release.groovy builds a directory and pushes it under the version and its computed minor and major tags; a re-run leaves the immutable version alone"() {
        given:
        def args = ['run', new File(EXAMPLES, 'release.groovy').path, '-P', 'version=1.2.3', '--json', new File(tmp, 'r.json').path] + registries()

        when:
        def first = hoist(args, giteaLogin())
        def report = new JsonSlurper().parse(new File(tmp, 'r.json'))

        then:
        first.exit == 0
        first.out.contains('released 1.2.3 as')
        report.images*.target.toSet() == ['1.2.3', '1.2', '1'].collect { "${gitea.host}/giteaadmin/demo/site:${it}".toString() }.toSet()
        ['1.2.3', '1.2', '1'].collect { gitea.manifestDigest('giteaadmin/demo/site', it) }.toSet() == [report.images[0].digest].toSet()

        when:
        def gets = gitea.countRequests('GET', '/manifests/')
        def again = hoist(args, giteaLogin())
        def second = new JsonSlurper().parse(new File(tmp, 'r.json'))

        then:
        again.exit == 0
        second.images.find { it.target.endsWith(':1.2.3') }.status == 'up-to-date'
        gitea.countRequests('GET', '/manifests/') == gets
    }

    def "nightly.groovy pushes only when its dry run shows less than the limit to send"() {
        given:
        def dist = new File(tmp, 'nightly')
        dist.mkdirs()
        images().dockerArchive(new File(dist, 'n.tar'), [[tags: ['nightly/tool:20240101'], layers: [['base', 90_000], ['tool', 30_000]]]])
        def args = ['run', new File(EXAMPLES, 'nightly.groovy').path, '-P', "archives=${dist.path}/*.tar".toString(),
                    '-P', 'label=label', '-P', 'since=2023-12-01', '-q'] + registries()

        when:
        def tooMuch = hoist(args + ['-P', 'maxBytes=1000'], giteaLogin())

        then:
        tooMuch.exit == 0
        tooMuch.out.contains('nightly: not pushed')
        !mirror.hasTag('mirror/tool', '20240101')

        when:
        def run = hoist(args + ['-P', 'maxBytes=100000000'], giteaLogin())

        then:
        run.exit == 0
        run.out =~ /nightly: 1 images, \d+ bytes to send/
        mirror.hasTag('mirror/tool', '20240101')
    }

    def "every example runs through load in one shell session, its params set by a line"() {
        given:
        def img = images()
        def dist = new File(tmp, 'dist')
        dist.mkdirs()
        img.dockerArchive(new File(dist, 'app.tar'), [[tags: ['demo/app:1.0'], layers: [['base', 80_000], ['app', 20_000]]]])
        def nightly = new File(tmp, 'nightly')
        nightly.mkdirs()
        img.dockerArchive(new File(nightly, 'n.tar'), [[tags: ['nightly/tool:20240101'], layers: [['base', 90_000], ['tool', 30_000]]]])
        def archive = new File(tmp, 'all.tar')
        img.dockerArchive(archive, [[tags: ['demo/app:1.1'], layers: [['base', 60_000], ['a11', 10_000]]],
                                    [tags: ['demo/app:2.0'], layers: [['base', 60_000], ['a20', 10_000]]]])
        def layout = new File(tmp, 'layout')
        def digest = img.ociLayoutBySkopeo(archive, 'demo/app:1.1', layout, 'demo/app:1.1')
        img.ociLayoutBySkopeo(archive, 'demo/app:2.0', layout, 'demo/app:2.0')
        def params = [gitea: gitea.host, giteaCa: gitea.certs.caCert.path, mirror: "http://${mirror.host}", archives: "${dist.path}/*.tar",
                      layout: layout.path, digests: new File(tmp, 'mirror.digests').path, version: '1.2.3', maxBytes: '100000000',
                      label: 'label', since: '2023-12-01']
        def lines = params.collect { k, v -> "params.${k} = '${v}'" }
        lines += ['idpbuilder', 'mirror', 'release'].collect { "load '${new File(EXAMPLES, it + '.groovy').path}'" }
        lines += ["params.archives = '${nightly.path}/*.tar'", "load '${new File(EXAMPLES, 'nightly.groovy').path}'"]

        when:
        def run = hoist(['shell'], [HOME: tmp.path] + giteaLogin(), lines.join('\n') + '\n')

        then:
        run.exit == 0
        gitea.hasTag('giteaadmin/demo/app', '1.0')
        gitea.manifestDigest('giteaadmin/mirror/app', '1.1') == digest
        !mirror.hasTag('mirror/mirror/app', '2.0')
        run.out.contains('released 1.2.3 as')
        gitea.hasTag('giteaadmin/demo/site', '1.2')
        run.out =~ /nightly: 1 images, \d+ bytes to send/
        mirror.hasTag('mirror/tool', '20240101')
        !run.out.contains(dev.hoist.support.Registry.PASSWORD)
        !run.err.contains(dev.hoist.support.Registry.PASSWORD)
    }
}
