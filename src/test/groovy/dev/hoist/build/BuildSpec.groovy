package dev.hoist.build

import dev.hoist.support.Dockerd
import dev.hoist.support.Images
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Proc
import groovy.json.JsonSlurper

class BuildSpec extends IntegrationSpec {

    File site

    def setup() {
        site = new File(tmp, 'site')
        new File(site, 'css').mkdirs()
        new File(site, 'index.html').text = '<h1>hoist</h1>\n'
        new File(site, 'css/site.css').text = 'h1 { color: teal; }\n'
        def run = new File(site, 'run.sh')
        run.text = '#!/bin/sh\necho hello\n'
        run.setExecutable(true, false)
    }

    def "builds the same digest every time"() {
        given:
        def reg = registry()

        when: 'the second build sees the same files with other modification times'
        def first = hoist(['build', site.path, '--tag', 'demo/site:1.0', '--to', "${reg.host}/a".toString(), '--json'])
        new File(site, 'index.html').lastModified = System.currentTimeMillis() - 86_400_000
        def second = hoist(['build', site.path, '--tag', 'demo/site:1.0', '--to', "${reg.host}/b".toString(), '--json'])

        then:
        first.exit == 0
        second.exit == 0
        first.json.images[0].digest == second.json.images[0].digest
        reg.manifestDigest('a/demo/site', '1.0') == reg.manifestDigest('b/demo/site', '1.0')
        reg.manifest('a/demo/site', '1.0').mediaType == 'application/vnd.oci.image.manifest.v1+json'
    }

    def "a build goes to a registry, an OCI layout and the daemon, each readable by other tools"() {
        given:
        def reg = registry()
        def layout = new File(tmp, 'layout')
        def dockerd = Dockerd.get()
        def tar = new File(tmp, 'site-docker.tar')

        def options = ['--entrypoint', '/bin/httpd -f', '--env', 'MODE=prod', '--label', 'team=web', '--expose', '8080',
                       '--workdir', '/app', '--user', '1000']

        when:
        def pushed = hoist(['build', site.path, '--tag', 'demo/site:1.0', '--to', "${reg.host}/team".toString()] + options)
        def written = hoist(['build', site.path, '--tag', 'demo/site:1.0', '--to', "oci:${layout.path}".toString()] + options)
        def loaded = hoist(['build', site.path, '--tag', 'demo/site:1.0', '--daemon'], dockerd.env())
        def tarred = hoist(['build', site.path, '--tag', 'demo/site:1.0', '--tar', tar.path, '--docker-format'])

        then:
        [pushed, written, loaded, tarred]*.exit == [0, 0, 0, 0]

        and: 'the registry copy reads back with skopeo, with its configuration'
        reg.copyOut('team/demo/site', '1.0', new File(tmp, 'readback')).exists()
        def config = new JsonSlurper().parseText(Proc.ok(['skopeo', 'inspect', '--config', '--tls-verify=false',
                "docker://${reg.host}/team/demo/site:1.0".toString()]))
        config.config.Entrypoint == ['/bin/httpd', '-f']
        config.config.Env.contains('MODE=prod')
        config.config.Labels.team == 'web'
        config.config.ExposedPorts.containsKey('8080/tcp')
        config.config.User == '1000'

        and: 'an executable stays executable'
        def layerTar = new File(tmp, 'readback-layer')
        def readback = new JsonSlurper().parse(new File(tmp, 'readback/index.json'))
        def manifestFile = new File(tmp, "readback/blobs/sha256/${Images.hex(readback.manifests[0].digest)}")
        def layerDigest = new JsonSlurper().parse(manifestFile).layers[0].digest
        Proc.ok(['tar', '-tvzf', new File(tmp, "readback/blobs/sha256/${Images.hex(layerDigest)}").path]).readLines()
                .find { it.endsWith('app/run.sh') }.startsWith('-rwxr-xr-x')

        and: 'the layout is one skopeo reads'
        Images.skopeoDigest("oci:${layout.path}:demo/site:1.0") == reg.manifestDigest('team/demo/site', '1.0')

        and: 'the daemon holds the image the docker-format tar describes'
        def manifest = new JsonSlurper().parseText(Proc.ok(['tar', '-xOf', tar.path, 'manifest.json'])) as List
        def configFile = manifest[0].Config as String
        def id = Images.sha256(Proc.bytes(['tar', '-xOf', tar.path, configFile]))
        dockerd.imageId('demo/site:1.0') == id
    }

    def "builds onto a docker-save tar, also one packed with tar -C DIR . (its first member is ./, which Jib alone refuses)"() {
        given:
        def reg = registry()
        def base = new File(tmp, 'base.tar')
        images().dockerArchive(base, [[tags: ['base/os:1'], layers: [['os1', 60_000], ['os2', 30_000]]]])
        def unpacked = new File(tmp, 'base-unpacked')
        unpacked.mkdirs()
        Proc.ok(['tar', '-xf', base.path, '-C', unpacked.path])
        def dotted = new File(tmp, 'base-dotted.tar')
        Proc.ok(['tar', '-cf', dotted.path, '-C', unpacked.path, '.'])
        assert Proc.ok(['tar', '-tf', dotted.path]).readLines()[0] == './'

        when:
        def plain = hoist(['build', site.path, '--tag', 'demo/site:4.0', '--from', base.path, '--to', "${reg.host}/a".toString(), '--json'])
        def packed = hoist(['build', site.path, '--tag', 'demo/site:4.0', '--from', dotted.path, '--to', "${reg.host}/b".toString(), '--json'])

        then: 'the same image from either tar: the base layers, then the directory'
        plain.exit == 0
        packed.exit == 0
        packed.json.images[0].digest == plain.json.images[0].digest
        reg.manifest('b/demo/site', '4.0').layers.size() == 3
        reg.copyOut('b/demo/site', '4.0', new File(tmp, 'readback')).exists()
    }

    def "builds onto a base image in the registry, with hoist's credentials"() {
        given:
        def reg = registry(dev.hoist.support.Registry.Variant.BASIC)
        def base = new File(tmp, 'base.tar')
        images().dockerArchive(base, [[tags: ['base/os:1'], layers: [['os1', 60_000], ['os2', 30_000]]]])
        assert hoist(['push', base.path, "${reg.host}/base/os:1".toString(), '-u', 'hoister', '--password-stdin'], [:],
                dev.hoist.support.Registry.PASSWORD).exit == 0

        when:
        def run = hoist(['build', site.path, '--tag', 'demo/site:2.0', '--from', "${reg.host}/base/os:1".toString(),
                         '--to', "${reg.host}/team".toString()], [GITEA_USERNAME: 'hoister', GITEA_PASSWORD: dev.hoist.support.Registry.PASSWORD])

        then:
        run.exit == 0
        def built = reg.manifest('team/demo/site', '2.0')
        def baseManifest = reg.manifest('base/os', '1')
        built.layers.size() == baseManifest.layers.size() + 1
        built.layers[0..1]*.digest == baseManifest.layers*.digest
    }

    def "builds onto a base image in a registry whose CA is given with --ca-cert (a fresh process, as from the shell)"() {
        given:
        def reg = registry(dev.hoist.support.Registry.Variant.TLS)
        def ca = reg.certs.caCert.path
        def base = new File(tmp, 'base.tar')
        images().dockerArchive(base, [[tags: ['base/os:1'], layers: [['os1', 60_000]]]])
        assert hoist(['push', base.path, "${reg.host}/base/os:1".toString(), '--ca-cert', ca]).exit == 0
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def layout = new File(tmp, 'layout')

        when:
        def p = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'),
                "-Dhoist.cache.dir=${tmp}/cache-build".toString(), "-Dhoist.config.dir=${tmp}/config".toString(), 'dev.hoist.cli.Main',
                'build', site.path, '--tag', 'demo/site:3.0', '--from', "${reg.host}/base/os:1".toString(), '--ca-cert', ca,
                '--to', "oci:${layout.path}".toString(), '-q').redirectErrorStream(true).start()
        def output = p.inputStream.text
        p.waitFor()

        then:
        p.exitValue() == 0
        new File(layout, 'index.json').exists()
        def pushed = hoist(['push', "oci:${layout.path}".toString(), "${reg.host}/team/site:3.0".toString(), '--ca-cert', ca])
        pushed.exit == 0
        reg.manifest('team/site', '3.0').layers.size() == reg.manifest('base/os', '1').layers.size() + 1

        when: 'another CA is given: the certificate is checked, not waved through'
        def otherCa = registry(dev.hoist.support.Registry.Variant.TLS).certs.caCert.path
        def q = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'),
                "-Dhoist.cache.dir=${tmp}/cache-build2".toString(), "-Dhoist.config.dir=${tmp}/config".toString(), 'dev.hoist.cli.Main',
                'build', site.path, '--tag', 'demo/site:3.1', '--from', "${reg.host}/base/os:1".toString(), '--ca-cert', otherCa,
                '--to', "oci:${tmp}/layout2".toString(), '-q').redirectErrorStream(true).start()
        def refused = q.inputStream.text
        q.waitFor()

        then: 'one clear line, at once'
        q.exitValue() == 1
        refused.readLines().find { it.startsWith('hoist:') }.contains('TLS certificate is not trusted')
    }

    def "a missing directory or output is one line, exit 2"() {
        expect:
        hoist(['build', "${tmp}/nothing".toString(), '--tag', 'x/y:1', '--tar', "${tmp}/o.tar".toString()]).with {
            exit == 2 && err.contains('no such directory')
        }
        hoist(['build', site.path, '--tag', 'x/y:1']).with {
            exit == 2 && err.contains('where should the image go')
        }
    }
}
