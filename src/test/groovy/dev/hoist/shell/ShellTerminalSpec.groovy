package dev.hoist.shell

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Poll
import dev.hoist.support.Prereqs
import dev.hoist.support.Tmux

/** The shell in a real terminal: {@code hoist shell} as a user starts it, in tmux (a private server), keys and screen. */
class ShellTerminalSpec extends IntegrationSpec {

    Tmux tmux

    def setupSpec() {
        Prereqs.require(['tmux'])
    }

    def cleanup() {
        tmux?.close()
    }

    List<String> hoistShell() {
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        ['env', "HOME=${tmp}".toString(), "PATH=${System.getenv('PATH')}".toString(),
         "DOCKER_CONFIG=${tmp}/docker-config".toString(), "HOIST_CACHE_DIR=${tmp}/cache".toString(),
         "HOIST_CONFIG_DIR=${tmp}/config".toString(),
         java, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', System.getProperty('java.class.path'), 'dev.hoist.cli.Main', 'shell']
    }

    /** Types a line and presses Enter. */
    void line(String text) {
        tmux.keys('-l', text)
        tmux.keys('Enter')
    }

    def "in a terminal: Tab, a layout pushed, Groovy over lines, a background job with its dashboard, Ctrl-C on a push, exit asks"() {
        given:
        def reg = registry()
        def stalling = new FaultProxy(reg)
        stalling.rule = { FaultProxy.Seen seen -> seen.method == 'POST' ? 'retry-after:60' : null }
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['app', 300_000]]]])
        def layout = new File(tmp, 'layout')
        def digest = images().ociLayoutBySkopeo(archive, 'demo/app:1.0', layout, '1.0')
        tmux = new Tmux()
        tmux.start(hoistShell(), 120, 40)
        tmux.waitFor(/hoist> /, 60)

        when: 'Tab completes a command name'
        tmux.keys('-l', 'pu')
        tmux.keys('Tab')
        tmux.waitFor(/hoist> push /)
        line("oci:${layout.path}:1.0 ${reg.host}/app:1.0")

        then: 'the layout is pushed byte for byte'
        tmux.waitFor(/1 pushed/, 60)
        reg.manifestDigest('app', '1.0') == digest

        when: 'Groovy over several lines, the continuation prompt while the brace is open'
        line('def tagged = {')
        tmux.waitFor(/\.\.\.> /)
        line('  "app:" + it')
        line('}')
        line("tagged('2.0')")

        then:
        tmux.waitFor(/(?m)^app:2\.0$/)

        when: 'a push in the background, listed by jobs'
        line("push ${archive.path} ${stalling.host}/slow:1.0 &")
        tmux.waitFor(/\[2\] started/)
        line('jobs')

        then:
        tmux.waitFor(/\[2\] push \S+ \S+\/slow:1\.0\s+running/)

        when: 'Ctrl-C during a foreground push'
        line("push ${archive.path} ${stalling.host}/fg:1.0")
        def deadline = System.currentTimeMillis() + 30_000
        while (!stalling.seen.any { it.fault == 'retry-after:60' && it.path.contains('/fg/') } && System.currentTimeMillis() < deadline) {
            Thread.sleep(50)
        }
        tmux.keys('C-c')

        then: 'it is cancelled with its summary; the shell stays'
        tmux.waitFor(/cancelled: 0 pushed[^\n]*\n(?:\[\d\][^\n]*\n)?hoist> /, 20)

        when: 'a login with the password on the line'
        line("login ${reg.host} -u me -p hunter2-secret")

        then:
        tmux.waitFor(/Login Succeeded/, 30)

        when: 'the background job\'s dashboard, then q'
        line('dashboard 2')
        tmux.waitFor(/job 2/)
        tmux.keys('q')
        line('6 * 7')

        then: 'the prompt is back and the job runs on'
        tmux.waitFor(/(?m)^42$/)
        !tmux.screen().contains('[2] cancelled')

        when: 'exit while job 2 runs'
        line('exit')

        then:
        tmux.waitFor(/job \[2\] is running: exit again \(or exit --force\) cancels it/)
        tmux.exitStatus() == null

        when:
        line('exit')
        deadline = System.currentTimeMillis() + 20_000
        while (tmux.exitStatus() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100)
        }
        def history = new File(tmp, '.local/state/hoist/history').text

        then: 'the last failure was the cancelled push; the history has no secret'
        tmux.exitStatus() == 130
        !reg.hasTag('slow', '1.0')
        history.contains("login ${reg.host} -u me -p ****")
        !history.contains('hunter2')

        cleanup:
        stalling?.close()
    }

    def "a background job's log lines go above the prompt: the line being typed stays whole on the last row"() {
        given: 'a registry that answers every upload start with 429 and Retry-After: 1: a retry, and a -v log line, each second'
        def reg = registry()
        def throttling = new FaultProxy(reg)
        throttling.rule = { FaultProxy.Seen seen -> seen.method == 'POST' ? 'retry-after:1' : null }
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['app', 30_000]]]])
        tmux = new Tmux()
        tmux.start(hoistShell(), 100, 30)
        tmux.waitFor(/hoist> /, 60)

        when: 'a verbose push in the background, then a line typed but not entered'
        line("push -v --retries 1000 ${archive.path} ${throttling.host}/logs:1.0 &")
        tmux.waitFor(/\[1\] started/)
        tmux.waitFor(/-> 429/, 30)
        tmux.keys('-l', 'images partial')
        tmux.waitFor(/hoist> images partial/)
        int typed = throttling.seen.count { it.fault == 'retry-after:1' }
        Poll.waitFor('two more retried requests', 30_000) { throttling.seen.count { it.fault == 'retry-after:1' } >= typed + 2 }

        then: 'their log lines are above it, and the partial line is the last row, whole'
        Poll.waitFor('the typed line on the last row, the log lines above it', 5_000) {
            def rows = tmux.screen().readLines().findAll { !it.isBlank() }
            rows.size() >= 2 && rows[-1].stripTrailing() == 'hoist> images partial' && rows[-2].contains('-> 429')
        }

        when: 'the line is cleared (Ctrl-U) and the job cancelled'
        tmux.keys('C-u')
        line('cancel 1')

        then:
        tmux.waitFor(/\[1\] cancelled/, 30)

        cleanup:
        throttling?.close()
    }

    def "images and jobs fit a #columns-column terminal: columns give way, names are cut with …, no row wraps; piped, every cell is whole"() {
        given:
        def reg = registry()
        def stalling = new FaultProxy(reg)
        stalling.rule = { FaultProxy.Seen seen -> seen.method == 'POST' ? 'retry-after:60' : null }
        def repository = 'demo/a-repository-with-a-name-long-enough-to-be-cut'
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ["${repository}:1.0".toString()], layers: [['app', 30_000]]]])
        tmux = new Tmux()
        tmux.start(hoistShell(), columns, 30)
        tmux.waitFor(/hoist> /, 60)

        when: 'images, and jobs while a push waits in the background'
        line("images ${archive.path}")
        tmux.waitFor(/1 of 1 images selected/, 30)
        line("push ${archive.path} ${stalling.host}/a-target-repository-with-a-long-name/app:1.0 &")
        tmux.waitFor(/\[1\] started/)
        Poll.waitFor('the push waiting at its upload start') { stalling.seen.any { it.fault == 'retry-after:60' } }
        line('jobs')
        def screen = tmux.waitFor(/(?m)^\[1\] .*running/)
        def rows = screen.readLines()
        def header = rows.find { it.startsWith('REPOSITORY') }
        def image = rows.find { it.startsWith('demo/') }
        def job = rows.find { it =~ /^\[1\] .*running/ }
        def footer = rows.find { it.startsWith('1 of 1 images selected') }

        then: 'no row is wider than the terminal; repository, tag, state and images stay'
        [header, image, job, footer].every { it.length() <= columns }
        // The archive's path (a temporary directory's) is longer than either terminal leaves it: cut in the middle.
        archive.path.length() > 60
        footer ==~ /1 of 1 images selected, from \/.*….*\.tar/
        header =~ /^REPOSITORY\s+TAG/
        image.contains('1.0')
        columns == 40 ? image.contains('…') : image.startsWith(repository + ' ')
        job =~ /running\s+0\/1 images/
        job.contains('…')

        when: 'ps: the job among this user\'s running pushes'
        tmux.keys('C-l')
        line('ps')
        def psScreen = tmux.waitFor(/(?ms)^ID\s+COMMAND.*RUNNING.*^hoist> *$/)
        def psRows = psScreen.readLines()*.stripTrailing().findAll { it }
        def ps = psRows.subList(psRows.findIndexOf { it =~ /^ID\s+COMMAND/ }, psRows.size() - 1)

        then: 'its rows fit too: none wraps, the state stays'
        ps.every { it.length() <= columns }
        ps.any { it =~ /^\d[\d.]*\s+.*RUNNING/ }
        columns == 40 ? ps.any { it.endsWith('…') } : true

        when: 'the same images piped: a program reads every cell whole'
        def piped = hoist(['images', archive.path])

        then:
        piped.out.readLines()[1].startsWith(repository + '  ')
        piped.out.readLines()[1].endsWith('  ' + archive.path)

        cleanup:
        line('cancel 1')
        stalling?.close()

        where:
        columns << [40, 80]
    }

    def "a key typed right after Ctrl-C at the prompt starts the new line: none is lost, none joins the cancelled one"() {
        given:
        tmux = new Tmux()
        tmux.start(hoistShell(), 80, 40)
        tmux.waitFor(/hoist> /, 60)

        when: 'a half-typed line, then Ctrl-C and the next line in one burst of keys, five times'
        (1..5).each { n ->
            tmux.keys('-l', "abc${n}".toString())
            tmux.waitFor(/hoist> abc${n}/)
            tmux.keys('C-c', "${n} * 7".toString(), 'Enter')
            tmux.waitFor(/(?m)^${n * 7}\s*$/)
        }
        def rows = tmux.screen().readLines()*.stripTrailing()

        then: 'each cancelled line is left as typed, each next line was read whole'
        (1..5).every { n -> rows.contains("hoist> abc${n}".toString()) && rows.contains("hoist> ${n} * 7".toString()) }
    }
}
