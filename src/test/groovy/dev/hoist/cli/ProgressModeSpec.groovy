package dev.hoist.cli

import dev.hoist.support.IntegrationSpec
import groovy.json.JsonSlurper

class ProgressModeSpec extends IntegrationSpec {

    File archive

    def setup() {
        archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['base', 50_000], ['app', 20_000]]]])
    }

    def "--progress json writes each event as one JSON object per line on stderr"() {
        given:
        def reg = registry()

        when:
        def run = hoist(['push', '--progress', 'json', archive.path, "${reg.host}/app:1.0".toString()])
        def events = run.err.readLines().findAll { it.startsWith('{') }.collect { new JsonSlurper().parseText(it) }

        then:
        run.exit == 0
        events*.event.containsAll(['PlanStarted', 'ImageQueued', 'BlobQueued', 'BlobStarted', 'BlobDone', 'ManifestPushed', 'ImageDone', 'PlanDone'])
        events.find { it.event == 'BlobStarted' }.worker >= 1
        events.find { it.event == 'PlanDone' }.result.images[0].target.repository == 'app'
        reg.hasTag('app', '1.0')
    }

    def "--progress alone still means on, and does not take the source that follows as its mode"() {
        given:
        def reg = registry()

        when:
        def run = hoist(['push', '--progress', archive.path, "${reg.host}/app:1.0".toString()])

        then: 'off a terminal, auto is plain lines'
        run.exit == 0
        run.err.contains('done ' + "${reg.host}/app:1.0")
    }

    def "a word after --progress that is no mode and no source is refused with the modes there are, one line and exit 2: #args"() {
        given:
        def script = new File(tmp, 'plan.groovy')
        script.text = "println 'ran'"
        def words = args.collect { it.replace('SRC', archive.path).replace('SCRIPT', script.path) }

        when:
        def run = hoist(words)

        then:
        run.exit == 2
        run.err.readLines().findAll { it.startsWith('hoist:') } == ["hoist: Invalid value for option '--progress': 'bogus' is not a progress mode (auto, dashboard, live, plain, json)"]
        !run.out.contains('ran')

        where:
        args << [['push', '--progress', 'bogus', 'SRC', '--to', 'localhost:5000/ns'],
                 ['push', 'SRC', 'localhost:5000/app:1.0', '--progress', 'bogus'],
                 ['run', '--progress', 'bogus', 'SCRIPT']]
    }

    def "--no-progress prints only the summary"() {
        given:
        def reg = registry()

        when:
        def quiet = hoist(['push', '--no-progress', archive.path, "${reg.host}/app:1.0".toString()])

        then:
        quiet.exit == 0
        quiet.err.readLines().size() == 1
        quiet.err.contains('1 pushed')
    }

    def "the dashboard without a terminal, and contradicting modes, are refused with one line and exit 2: #why"() {
        when:
        def run = hoist(['push', archive.path, 'localhost:5000/app:1.0'] + flags)

        then:
        run.exit == 2
        run.err.readLines().findAll { it.startsWith('hoist:') }.size() == 1
        run.err.contains(expected)

        where:
        why              | flags                                    | expected
        'no terminal'    | ['--dashboard']                          | 'needs a terminal'
        'explicit mode'  | ['--progress', 'dashboard']              | 'needs a terminal'
        'contradiction'  | ['--dashboard', '--progress', 'plain']   | '--dashboard cannot go with --progress plain'
        'off and on'     | ['--no-progress', '--progress', 'live']  | '--no-progress cannot go with'
        'bad mode'       | ['--progress=fancy']                     | "'fancy' is not a progress mode"
        'bad rate'       | ['--limit-rate', 'fast']                 | "'fast' is not a size"
    }
}
