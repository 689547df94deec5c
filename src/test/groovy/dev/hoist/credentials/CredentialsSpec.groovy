package dev.hoist.credentials

import dev.hoist.support.Hoist
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry
import groovy.json.JsonOutput

import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

import static dev.hoist.support.Registry.PASSWORD
import static dev.hoist.support.Registry.USER

class CredentialsSpec extends IntegrationSpec {

    File archive

    def setup() {
        archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['giteaadmin/app:1.0'], layers: [['base', 20_000]]]])
    }

    Map<String, String> dockerConfig(Map config) {
        def dir = new File(tmp, 'docker-config')
        dir.mkdirs()
        new File(dir, 'config.json').text = JsonOutput.toJson(config)
        [DOCKER_CONFIG: dir.path]
    }

    static String basic(String user, String password) {
        "${user}:${password}".bytes.encodeBase64().toString()
    }

    /** A docker credential helper on a PATH of the test's own, answering for one server. */
    Map<String, String> helper(String name, String user, String secret) {
        def bin = new File(tmp, 'bin')
        bin.mkdirs()
        def script = new File(bin, "docker-credential-${name}")
        script.text = """#!/bin/sh
[ "\$1" = get ] || exit 1
read server
printf '{"ServerURL":"%s","Username":"${user}","Secret":"${secret}"}' "\$server"
"""
        script.setExecutable(true)
        [PATH: bin.path + File.pathSeparator + System.getenv('PATH')]
    }

    def push(Registry reg, Map<String, String> env, List<String> extra = []) {
        hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString(), '-q'] + extra, env)
    }

    def "each source is used when it is the only one: #source"() {
        given:
        def reg = registry(Registry.Variant.TOKEN)
        def env = setupFor(source, reg)

        expect:
        push(reg, env).exit == 0
        reg.hasTag('giteaadmin/app', '1.0')

        where:
        source << ['GITEA_* environment', 'HOIST_* environment', 'docker config auths', 'credHelpers', 'credsStore',
                   'REGISTRY_AUTH_FILE', 'hoist login']
    }

    Map<String, String> setupFor(String source, Registry reg) {
        switch (source) {
            case 'GITEA_* environment': return [GITEA_USERNAME: USER, GITEA_PASSWORD: PASSWORD]
            case 'HOIST_* environment': return [HOIST_USERNAME: USER, HOIST_PASSWORD: PASSWORD]
            case 'docker config auths': return dockerConfig([auths: [(reg.host): [auth: basic(USER, PASSWORD)]]])
            case 'credHelpers': return dockerConfig([credHelpers: [(reg.host): 'hoisttest']]) + helper('hoisttest', USER, PASSWORD)
            case 'credsStore': return dockerConfig([credsStore: 'hoisttest', auths: [(reg.host): [:]]]) + helper('hoisttest', USER, PASSWORD)
            case 'REGISTRY_AUTH_FILE':
                def file = new File(tmp, 'auth.json')
                file.text = JsonOutput.toJson([auths: [("https://${reg.host}".toString()): [auth: basic(USER, PASSWORD)]]])
                return [REGISTRY_AUTH_FILE: file.path]
            case 'hoist login':
                assert hoist(['login', reg.host, '-u', USER, '--password-stdin'], [:], PASSWORD).exit == 0
                return [:]
        }
        throw new IllegalArgumentException(source)
    }

    def "the first source that has credentials wins: flags, environment, hoist login, docker config"() {
        given: 'right credentials in one source, wrong ones in every source below it'
        def reg = registry(Registry.Variant.TOKEN)
        def wrongDocker = dockerConfig([auths: [(reg.host): [auth: basic(USER, 'wrong-docker')]]])
        assert hoist(['login', reg.host, '-u', USER, '--password-stdin'], [:], PASSWORD).exit == 0

        expect: 'hoist login beats docker config'
        push(reg, wrongDocker).exit == 0

        when: 'the environment beats hoist login and docker config'
        def wrongEnv = push(reg, wrongDocker + [GITEA_USERNAME: USER, GITEA_PASSWORD: 'wrong-env'])

        then: 'and the failure names where the credentials came from'
        wrongEnv.exit == 1
        wrongEnv.err.contains('$GITEA_USERNAME/$GITEA_PASSWORD')

        expect: 'flags beat the environment'
        hoist(['push', archive.path, "${reg.host}/giteaadmin/app:2.0".toString(), '-q', '-u', USER, '--password-stdin'],
                wrongDocker + [GITEA_USERNAME: USER, GITEA_PASSWORD: 'wrong-env'], PASSWORD).exit == 0
    }

    def "login checks the credentials first, stores them 0600, lists them without the secret; logout removes them"() {
        given:
        def reg = registry(Registry.Variant.BASIC)
        def file = new File(tmp, 'config/credentials.json')

        when:
        def bad = hoist(['login', reg.host, '-u', USER, '--password-stdin'], [:], 'not-the-password')

        then:
        bad.exit == 1
        !file.exists()

        when:
        def good = hoist(['login', reg.host, '-u', USER, '--password-stdin'], [:], PASSWORD)
        def list = hoist(['login', '--list'])

        then:
        good.exit == 0
        good.err.contains('no keyring answers here')
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath())) == 'rw-------'
        list.out.contains(reg.host)
        list.out.contains(USER)
        !(list.out + list.err).contains(PASSWORD)
        push(reg, [:]).exit == 0

        when:
        def logout = hoist(['logout', reg.host])

        then:
        logout.exit == 0
        push(reg, [:]).exit == 1
    }

    def '$HOME decides where logins are kept and which docker config is read, not the JVM user.home'() {
        given: 'two homes other than the one in the password database, and no directory set by property'
        System.clearProperty('hoist.config.dir')
        def reg = registry(Registry.Variant.BASIC)
        def loginHome = new File(tmp, 'login-home')
        def dockerHome = new File(tmp, 'docker-home')
        new File(dockerHome, '.docker').mkdirs()
        new File(dockerHome, '.docker/config.json').text = JsonOutput.toJson([auths: [(reg.host): [auth: basic(USER, PASSWORD)]]])
        def env = { File home -> [PATH: System.getenv('PATH'), HOME: home.path] }

        when:
        def login = Hoist.run(['login', reg.host, '-u', USER, '--password-stdin'], env(loginHome), PASSWORD)

        then:
        login.exit == 0
        new File(loginHome, '.config/hoist/credentials.json').text.contains(reg.host)

        expect: 'a push finds the login of its $HOME, and the docker config of its $HOME'
        Hoist.run(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString(), '-q'], env(loginHome)).exit == 0
        Hoist.run(['push', archive.path, "${reg.host}/giteaadmin/app:2.0".toString(), '-q'], env(dockerHome)).exit == 0
    }

    def "a credentials file others can read is refused with one line"() {
        given:
        def reg = registry(Registry.Variant.BASIC)
        assert hoist(['login', reg.host, '-u', USER, '--password-stdin'], [:], PASSWORD).exit == 0
        def file = new File(tmp, 'config/credentials.json')
        Files.setPosixFilePermissions(file.toPath(), PosixFilePermissions.fromString('rw-r--r--'))

        when:
        def run = push(reg, [:])

        then:
        run.exit == 2
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.contains('readable by others')
        run.err.contains('chmod 600')
    }

    def "mutual TLS: pushes with the right client certificate, fails clearly without one"() {
        given:
        def reg = registry(Registry.Variant.MTLS)
        def ca = reg.certs.caCert.path

        when:
        def without = push(reg, [:], ['--ca-cert', ca])
        def with = push(reg, [:], ['--ca-cert', ca, '--cert', reg.certs.clientCert.path, '--key', reg.certs.clientKey.path])

        then:
        without.exit == 1
        without.err.readLines().count { it.startsWith('hoist:') } == 1
        without.err.contains('client certificate')
        without.err.contains('--cert')
        with.exit == 0
        reg.hasTag('giteaadmin/app', '1.0')
    }

    def "per-registry TLS files in certs.d need no flags"() {
        given:
        def reg = registry(Registry.Variant.MTLS)
        def dir = new File(tmp, "config/certs.d/${reg.host}")
        dir.mkdirs()
        new File(dir, 'ca.crt').bytes = reg.certs.caCert.bytes
        new File(dir, 'client.cert').bytes = reg.certs.clientCert.bytes
        new File(dir, 'client.key').bytes = reg.certs.clientKey.bytes

        expect:
        push(reg, [:]).exit == 0
    }

    def "idpbuilder's Gitea secret is used for gitea.cnoe.localtest.me"() {
        given:
        def bin = new File(tmp, 'bin')
        bin.mkdirs()
        def fake = new File(bin, 'idpbuilder')
        fake.text = '''#!/bin/sh
[ "$1 $2 $3 $4 $5 $6" = "get secrets -p gitea -o json" ] || exit 3
echo '[{"name":"gitea-credential","namespace":"gitea","data":{"username":"giteaAdmin","password":"idp-secret"}}]'
'''
        fake.setExecutable(true)
        def source = new Idpbuilder([PATH: bin.path])

        expect:
        source.lookup('gitea.cnoe.localtest.me:8443').get().username() == 'giteaAdmin'
        source.lookup('gitea.cnoe.localtest.me:8443').get().password() == 'idp-secret'
        source.lookup('registry.example.com').isEmpty()
    }

    def "no secret reaches output, logs or the JSON report, whichever source gave it"() {
        given:
        def reg = registry(Registry.Variant.TOKEN)
        def report = new File(tmp, 'report.json')
        def outputs = []

        when: 'every path, at -v, with a JSON report, and once with wrong credentials'
        outputs << hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1".toString(), '-v', '--json', report.path,
                          '-u', USER, '--password-stdin'], [:], PASSWORD)
        outputs << report.text
        outputs << hoist(['push', archive.path, "${reg.host}/giteaadmin/app:2".toString(), '-v', '--json', report.path],
                [GITEA_USERNAME: USER, GITEA_PASSWORD: PASSWORD])
        outputs << report.text
        outputs << hoist(['push', archive.path, "${reg.host}/giteaadmin/app:3".toString(), '-v', '--json', '-'],
                dockerConfig([auths: [(reg.host): [auth: basic(USER, PASSWORD)]]]))
        outputs << hoist(['push', archive.path, "${reg.host}/giteaadmin/app:4".toString(), '-v'],
                dockerConfig([credHelpers: [(reg.host): 'hoisttest']]) + helper('hoisttest', USER, PASSWORD))
        outputs << hoist(['login', reg.host, '-v', '-u', USER, '--password-stdin'], [:], PASSWORD)
        outputs << hoist(['login', '--list', '-v'])
        outputs << new File(tmp, 'config/credentials.json').text.replace(PASSWORD, '')
        outputs << hoist(['push', archive.path, "${reg.host}/giteaadmin/app:5".toString(), '-v', '--json', '-'])
        outputs << hoist(['push', archive.path, "${reg.host}/giteaadmin/app:6".toString(), '-v', '-u', USER,
                          '--password-stdin'], [:], 'wrong-' + PASSWORD)

        then:
        outputs.size() == 11
        def all = outputs.collect { it instanceof String ? it : it.out + it.err }.join('\n')
        all.contains('DEBUG')
        all.contains('[Authorization: redacted]')
        !all.contains(PASSWORD)
        !all.contains(basic(USER, PASSWORD))
        !all.contains('eyJ')
    }
}
