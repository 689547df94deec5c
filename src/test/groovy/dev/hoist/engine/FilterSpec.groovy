package dev.hoist.engine

import dev.hoist.image.Platform
import dev.hoist.source.SourceImage
import spock.lang.Specification

class FilterSpec extends Specification {

    static SourceImage named(String repo, String tag) {
        new SourceImage('test', repo, tag, null)
    }

    def "semver range '#range' #verdict #tag"() {
        expect:
        Semver.range(range).test(tag) == matches

        where:
        range          | tag            | matches
        '>=1.2 <2'     | '1.2.0'        | true
        '>=1.2 <2'     | 'v1.9.3'       | true
        '>=1.2 <2'     | '2.0.0'        | false
        '>=1.2 <2'     | '1.1.9'        | false
        '>=1.2 <2'     | 'latest'       | false
        '^1.4'         | '1.9.0'        | true
        '^1.4'         | '2.0.0'        | false
        '^0.3'         | '0.3.9'        | true
        '^0.3'         | '0.4.0'        | false
        '~2.0'         | '2.0.7'        | true
        '~2.0'         | '2.1.0'        | false
        '=1.0.0'       | '1.0.0'        | true
        '>1.0.0'       | '1.0.0-rc.1'   | false
        '<1.0.0'       | '1.0.0-rc.1'   | false
        '>=1.2 <2'     | '2.0.0-rc.1'   | false
        '>=1.2 <2'     | '1.25-alpine'  | false
        '>=1.2 <2'     | '20240101123456' | false
        '^0'           | '0.5.0'        | true
        '^0.0.3'       | '0.0.9'        | false
        '1.2'          | '1.2.5'        | true
        '1.2'          | '1.3.0'        | false
        '>=1.0.0-rc.2' | '1.0.0-rc.10'  | true
        '<=1.2'        | '1.2.9'        | true
        '>1.2'         | '1.2.9'        | false
        verdict = matches ? 'matches' : 'does not match'
    }

    def "rejects a malformed range"() {
        when:
        Semver.range('>=1.2 <<2')

        then:
        thrown(IllegalArgumentException)
    }

    def "repository globs and regexes"() {
        expect:
        ImageFilter.repository(pattern).test(named(repo, 'x')) == matches

        where:
        pattern            | repo                         | matches
        'demo/*'           | 'demo/app'                   | true
        'demo/*'           | 'demo/a/b'                   | false
        'demo/**'          | 'demo/a/b'                   | true
        '*/app'            | 'demo/app'                   | true
        'demo/{app,web}'   | 'demo/web'                   | true
        'demo/{app,web}'   | 'demo/api'                   | false
        '/demo\\/(a|w).*/' | 'demo/web'                   | true
        're:.*pi$'         | 'demo/api'                   | true
        'library/*'        | 'docker.io/library/busybox'  | false
        'busybox'          | 'docker.io/library/busybox'  | true
        'app'              | 'localhost:5000/app'         | true
        '*-debug'          | 'demo/app-debug'             | true
        '*-debug'          | 'demo/app'                   | false
        'app'              | 'team/web/app'               | true
        'app'              | 'demo/app-debug'             | false
        'demo/*-debug'     | 'x/demo/app-debug'           | false
    }

    def "tag globs and ranges"() {
        expect:
        ImageFilter.tag(pattern).test(named('a', tag)) == matches

        where:
        pattern   | tag       | matches
        '1.*'     | '1.4'     | true
        '1.*'     | '2.0'     | false
        '>=1.2'   | '1.10.0'  | true
        '/^v\\d/' | 'v3'      | true
    }

    def "composes with all, any and not"() {
        given:
        def demo = ImageFilter.repository('demo/*')
        def v1 = ImageFilter.tag('1.*')

        expect:
        ImageFilter.all([demo, v1]).test(named('demo/a', '1.0'))
        !ImageFilter.all([demo, v1]).test(named('demo/a', '2.0'))
        ImageFilter.any([demo, v1]).test(named('other', '1.0'))
        ImageFilter.not(demo).test(named('other', '1.0'))
    }

    def "names become valid registry names, with a warning when they change"() {
        given:
        def warnings = []

        when:
        def named = new Mapping(strip, rename, []).name(named(repo, tag), 'fallback', { warnings << it })

        then:
        named.repository() == expectedRepo
        named.tag() == expectedTag
        (warnings.size() > 0) == warned

        where:
        repo                  | tag   | strip   | rename                 | expectedRepo     | expectedTag | warned
        'demo/app'            | '1.0' | null    | null                   | 'demo/app'       | '1.0'       | false
        'demo/app'            | '1.0' | 'demo/' | null                   | 'app'            | '1.0'       | false
        'demo/app'            | '1.0' | 'demo'  | null                   | 'app'            | '1.0'       | false
        'demonstration/app'   | '1.0' | 'demo'  | null                   | 'demonstration/app' | '1.0'    | false
        'demo/app'            | '1.0' | null    | 'mirror/{name}:{tag}-x'| 'mirror/app'     | '1.0-x'     | false
        'Demo/My_App!'        | '1.0' | null    | null                   | 'demo/my_app'    | '1.0'       | true
        'docker.io/library/x' | 'v'   | null    | null                   | 'x'              | 'v'         | false
        null                  | null  | null    | null                   | 'fallback'       | 'latest'    | false
    }

    def "a platform filter keeps indexes that hold the platform"() {
        expect:
        Platform.parse('linux/arm64').matches(new Platform('linux', 'arm64', 'v8', null, null))
        Platform.parse('linux/arm64/v8').matches(new Platform('linux', 'arm64', null, null, null))
        !Platform.parse('linux/arm/v7').matches(new Platform('linux', 'arm', 'v6', null, null))
    }
}
