package dev.hoist.push

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry

import static dev.hoist.support.Registry.PASSWORD
import static dev.hoist.support.Registry.USER

class AuthSpec extends IntegrationSpec {

    File archive

    def setup() {
        archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['giteaadmin/app:1.0'], layers: [['base', 100_000]]]])
    }

    def "pushes with basic auth, the password read from stdin"() {
        given:
        def reg = registry(Registry.Variant.BASIC)

        when:
        def run = hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString(), '-u', USER, '--password-stdin'],
                [:], PASSWORD + '\n')

        then:
        run.exit == 0
        reg.hasTag('giteaadmin/app', '1.0')
        !run.out.contains(PASSWORD) && !run.err.contains(PASSWORD)
    }

    def "pushes with bearer tokens from a Gitea-like token server, asked with GET"() {
        given:
        def reg = registry(Registry.Variant.TOKEN)

        when:
        def run = hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString(), '-u', USER, '--password-stdin'],
                [:], PASSWORD)

        then:
        run.exit == 0
        reg.hasTag('giteaadmin/app', '1.0')
        reg.tokens.issued.get() >= 1
        reg.tokens.posts.get() == 0
    }

    def "a repository remembered from an earlier run but no longer readable is uploaded to, not mounted from"() {
        given:
        def reg = registry(Registry.Variant.TOKEN)
        assert hoist(['push', archive.path, "${reg.host}/team-a/app:1.0".toString(), '-u', USER, '--password-stdin', '-q'],
                [:], PASSWORD).exit == 0
        reg.tokens.unreadable << 'team-a/app'

        when:
        def run = hoist(['push', archive.path, "${reg.host}/team-b/app:1.0".toString(), '-u', USER, '--password-stdin', '--json'],
                [:], PASSWORD)

        then:
        run.exit == 0
        run.json.totals.blobs.mounted == 0
        run.json.totals.blobs.uploaded > 0
        reg.hasTag('team-b/app', '1.0')
    }

    def "a token is cached per scope, not fetched per request"() {
        given:
        def reg = registry(Registry.Variant.TOKEN)
        def two = new File(tmp, 'two.tar')
        images().dockerArchive(two, [
                [tags: ['a/app:1'], layers: [['l1', 50_000], ['l2', 50_000]]],
                [tags: ['a/app:2'], layers: [['l1', 50_000], ['l3', 50_000]]]])

        when:
        def run = hoist(['push', two.path, "${reg.host}/giteaadmin/app".toString(), '-u', USER, '--password-stdin'], [:], PASSWORD)

        then:
        run.exit == 0
        reg.tokens.issued.get() <= 3
    }

    def "wrong credentials fail with one clear line and exit 1: #variant"() {
        given:
        def reg = registry(variant)

        when:
        def run = hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString(), '-u', USER, '--password-stdin', '-q'],
                [:], 'wrong-password')

        then:
        run.exit == 1
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.toLowerCase().contains('unauthorized')
        !run.err.contains('Exception')
        !run.err.contains('wrong-password')
        !reg.hasTag('giteaadmin/app', '1.0')
        reg.countRequests('PUT', '/manifests/') == 0

        where:
        variant << [Registry.Variant.BASIC, Registry.Variant.TOKEN]
    }

    def "no credentials against a registry that wants them: says how to give them"() {
        given:
        def reg = registry(Registry.Variant.BASIC)

        when:
        def run = hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString(), '-q'])

        then:
        run.exit == 1
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.contains('unauthorized')
    }

    def "credentials from GITEA_USERNAME and GITEA_PASSWORD need no flags"() {
        given:
        def reg = registry(Registry.Variant.TOKEN)

        when:
        def run = hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString()],
                [GITEA_USERNAME: USER, GITEA_PASSWORD: PASSWORD])

        then:
        run.exit == 0
        reg.hasTag('giteaadmin/app', '1.0')
    }

    def "-p works but warns that the password is visible"() {
        given:
        def reg = registry(Registry.Variant.BASIC)

        when:
        def run = hoist(['push', archive.path, "${reg.host}/giteaadmin/app:1.0".toString(), '-u', USER, '-p', PASSWORD])

        then:
        run.exit == 0
        run.err.contains('WARNING')
        run.err.contains('--password-stdin')
    }
}
