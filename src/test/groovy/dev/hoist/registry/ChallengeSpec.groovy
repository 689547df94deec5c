package dev.hoist.registry

import spock.lang.Specification

class ChallengeSpec extends Specification {

    def "parses a bearer challenge with quoted parameters"() {
        when:
        def c = Challenge.parse('Bearer realm="https://gitea.cnoe.localtest.me:8443/v2/token",service="container_registry",scope="repository:giteaadmin/app:pull,push"')

        then:
        c.size() == 1
        c[0].isBearer()
        c[0].realm() == 'https://gitea.cnoe.localtest.me:8443/v2/token'
        c[0].service() == 'container_registry'
        c[0].params().scope == 'repository:giteaadmin/app:pull,push'
    }

    def "parses basic, and several challenges in one header"() {
        when:
        def c = Challenge.parse('Basic realm="hoist test", Bearer realm="http://auth/token", service=reg')

        then:
        c*.scheme() == ['basic', 'bearer']
        c[0].realm() == 'hoist test'
        c[1].service() == 'reg'
    }

    def "reads registry error bodies as one line"() {
        expect:
        ErrorBody.describe(401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}'.bytes) ==
                'unauthorized: authentication required'
        ErrorBody.describe(400, '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":"bad layer"}]}'.bytes) ==
                'manifest invalid: manifest invalid (bad layer)'
        ErrorBody.describe(502, '<html>bad gateway</html>'.bytes) == 'HTTP 502 Bad Gateway'
    }

    def "honours Retry-After and backs off with jitter otherwise"() {
        expect:
        Retry.delay(0, java.time.Duration.ofSeconds(2)).toSeconds() == 2
        (1..20).every { def ms = Retry.delay(3, null).toMillis(); ms >= 2000 && ms <= 6000 }
    }
}
