package dev.hoist.image

import spock.lang.Specification

class ImageRefSpec extends Specification {

    def "parses #text"() {
        when:
        def ref = ImageRef.parse(text)

        then:
        ref.registry() == registry
        ref.repository() == repository
        ref.tag() == tag
        ref.toString() == text

        where:
        text                                                   | registry                           | repository          | tag
        'gitea.cnoe.localtest.me:8443/giteaadmin/app:1.0'      | 'gitea.cnoe.localtest.me:8443'     | 'giteaadmin/app'    | '1.0'
        'localhost:5000/app'                                   | 'localhost:5000'                   | 'app'               | null
        'localhost/a/b/c:v1.2-rc_3'                            | 'localhost'                        | 'a/b/c'             | 'v1.2-rc_3'
        '127.0.0.1:5000/my-app.x__y:latest'                    | '127.0.0.1:5000'                   | 'my-app.x__y'       | 'latest'
        'registry.example.com/app@sha256:' + 'a' * 64          | 'registry.example.com'             | 'app'               | null
    }

    def "a layout target reads as skopeo reads it: #expected"() {
        expect:
        new ImageRef(registry, repository, tag, null).toString() == expected

        where:
        registry            | repository | tag   | expected
        'oci:/srv/mirror'   | 'demo/app' | '1.0' | 'oci:/srv/mirror:demo/app:1.0'
        'oci:/srv/mirror'   | ''         | '1.0' | 'oci:/srv/mirror:1.0'
        'localhost:5000'    | 'demo/app' | '1.0' | 'localhost:5000/demo/app:1.0'
    }

    def "rejects #text with a message naming the problem"() {
        when:
        ImageRef.parse(text)

        then:
        def e = thrown(IllegalArgumentException)
        e.message.contains(problem)

        where:
        text                               | problem
        'host:5000'                        | 'names no repository'
        'localhost:5000/UPPER/Case'        | 'must be lowercase'
        'app:1.0'                          | 'names no repository'
        'busybox/app'                      | 'has no registry host'
        'localhost:5000/app@sha256:abc'    | 'malformed sha256 digest'
        'localhost:5000/app:bad tag'       | 'invalid tag'
        'localhost:5000/-app'              | 'invalid repository name'
        'localhost:5000/'                  | 'names no repository'
    }
}
