package dev.hoist.cli

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry
import groovy.json.JsonSlurper

class PushCommandSpec extends IntegrationSpec {

    File archive

    def setup() {
        archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 50_000]]]])
    }

    def "bad input gives one line naming it and exit 2, with no stack trace: #why"() {
        when:
        def run = hoist(args.collect { it.replace('ARCHIVE', archive.path).replace('TMP', tmp.path) })

        then:
        run.exit == 2
        run.err.readLines().findAll { it.startsWith('hoist:') }.size() == 1
        run.err.contains(expected)
        !run.err.contains('\tat ')

        where:
        why                      | args                                                   | expected
        'missing file'           | ['push', 'TMP/missing.tar', 'localhost:5000/app']      | 'TMP/missing.tar: no such file'.replace('TMP', '')
        'no repository'          | ['push', 'ARCHIVE', 'host:5000']                        | 'names no repository'
        'uppercase repository'   | ['push', 'ARCHIVE', 'localhost:5000/UPPER/Case']        | 'must be lowercase'
        'malformed digest'       | ['push', 'ARCHIVE', 'localhost:5000/app@sha256:xyz']    | 'malformed sha256 digest'
        'missing target'         | ['push', 'ARCHIVE']                                     | 'missing TARGET'
        'bad platform'           | ['push', 'ARCHIVE', 'localhost:5000/a', '--platform', 'linux'] | 'malformed platform'
        'both password flags'    | ['push', 'ARCHIVE', 'localhost:5000/a', '-u', 'x', '-p', 'y', '--password-stdin'] | 'give one of --password'
        'unknown option'         | ['push', 'ARCHIVE', 'localhost:5000/a', '--frobnicate'] | "unknown option '--frobnicate'"
    }

    def "reports every validation problem at once"() {
        when:
        def run = hoist(['push', "${tmp}/missing.tar".toString(), '--to', 'in valid', '--to', 'localhost/UPPER'])

        then:
        run.exit == 2
        run.err.readLines().size() == 3
    }

    def "nothing listening at the registry's address fails with one line and exit 1, at once: no retries with the default --retries"() {
        given:
        def port = Registry.freePort()

        when:
        long t0 = System.nanoTime()
        def run = hoist(['push', archive.path, "127.0.0.1:${port}/app:1".toString(), '-q'])
        double seconds = (System.nanoTime() - t0) / 1e9

        then:
        run.exit == 1
        run.err.readLines().count { it.startsWith('hoist:') } == 1
        run.err.contains('connection refused')
        !run.err.contains('retry')
        // five retries with backoff took 15 s before; a loaded machine still answers in a few
        seconds < 8
    }

    def "a host that does not resolve fails at once, without retries"() {
        when:
        def started = System.nanoTime()
        def run = hoist(['push', archive.path, 'no-such-host.invalid:5000/app:1', '-q'])

        then:
        run.exit == 1
        run.err.contains('does not resolve')
        (System.nanoTime() - started) / 1e9 < 10
    }

    def "--json prints one document on stdout; --json FILE.json writes it to a file"() {
        given:
        def reg = registry()
        def report = new File(tmp, 'report.json')

        when:
        def toStdout = hoist(['push', '--json', archive.path, "${reg.host}/app:1".toString()])
        def toFile = hoist(['push', archive.path, "${reg.host}/app:2".toString(), '--json', report.path])

        then:
        toStdout.exit == 0
        toStdout.json.images[0].target == "${reg.host}/app:1".toString()
        toStdout.json.images[0].digest ==~ /sha256:[a-f0-9]{64}/
        toStdout.json.images[0].durationMs instanceof Number
        toFile.exit == 0
        toFile.out.trim() ==~ /.*app:2@sha256:[a-f0-9]{64}/
        def second = (new JsonSlurper().parse(report) as Map).images[0]
        second.status == 'pushed'
        second.blobs.uploaded == 0
        second.blobs.skipped == 2
    }

    def "progress off a terminal is one plain line per event"() {
        given:
        def reg = registry()

        when:
        def run = hoist(['push', archive.path, "${reg.host}/app:1".toString()])

        then:
        run.exit == 0
        run.err.readLines().any { it ==~ /pushed sha256:[a-f0-9]{12} .* compressed from sha256:.*/ }
        run.err.readLines().any { it.startsWith("pushed manifest ${reg.host}/app:1@sha256:") }
        !run.err.contains('\033[')
    }
}
