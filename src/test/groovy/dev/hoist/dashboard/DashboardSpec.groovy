package dev.hoist.dashboard

import com.googlecode.lanterna.TextColor
import com.googlecode.lanterna.input.KeyType
import dev.hoist.engine.JobSnapshot
import dev.hoist.engine.JobState
import spock.lang.Specification

import java.nio.charset.StandardCharsets
import java.time.Instant
import java.util.concurrent.TimeUnit

class DashboardSpec extends Specification {

    RecordingJob job = new RecordingJob(RecordingJob.midway())
    Thread shown
    Throwable failure

    def cleanup() {
        shown?.interrupt()
    }

    VirtualScreen open(int columns, int rows, boolean mono = false, boolean readOnly = false) {
        def screen = new VirtualScreen(columns, rows)
        shown = Thread.start {
            try {
                Dashboard.show(job, screen, mono, readOnly)
            } catch (Throwable t) {
                failure = t
            }
        }
        screen
    }

    boolean left(long seconds = 5) {
        shown.join(TimeUnit.SECONDS.toMillis(seconds))
        !shown.alive && failure == null
    }

    def "at 80x24 the header, one row per worker, the sparkline, the failures and the registry line are all there"() {
        given:
        def screen = open(80, 24)

        when:
        def text = screen.awaitText('127.0.0.1:5000  in flight 4')

        then: 'the header: plan, job, state, images done with pushed / up to date / failed, bytes, rates, ETA'
        screen.row(0).contains('push app-*.tar')
        screen.row(0).contains('job 7')
        screen.row(0).contains('RUNNING')
        screen.row(0).contains('workers 4')
        screen.row(0).contains('no limit')
        screen.row(1).contains('images 100/200')
        screen.row(1).contains('✓ 90 pushed')
        screen.row(1).contains('= 7 up to date')
        screen.row(1).contains('✗ 3 failed')
        screen.row(2).contains('sent 452.0 MB of 1.0 GB  45%')
        screen.row(2).contains('now 12.3 MB/s')
        screen.row(2).contains('avg 3.6 MB/s')
        screen.row(2).contains('ETA 4m12s')

        and: 'a row per worker: image, short digest, what it does, a bar, bytes, rate'
        def rows = text.readLines()
        def worker1 = rows.find { it.startsWith(' 1 ') }
        worker1.contains('team/app-100:1.0')
        worker1.contains(RecordingJob.digest('blob-0').shortHex())
        worker1.contains('uploading')
        worker1.contains('[##')
        worker1.contains('1.0M/4.0M')
        worker1.contains('2.5M/s')
        rows.find { it.startsWith(' 2 ') }.contains('retry in')
        rows.count { it ==~ /^ [1-4] .*/ } == 4

        and: 'the sparkline, the failures newest first, the registry line, the keys'
        text.contains('throughput, last 5m00s')
        text.contains('█')
        text.contains('failures (3), newest first')
        rows.findIndexOf { it.contains('team/app-99:1.0') } < rows.findIndexOf { it.contains('team/app-97:1.0') }
        text.contains('team/app-99: PUT blob: 503')
        text.contains('429: 0  5xx: 2  back-off 1s')
        screen.row(23).contains('p pause')
        screen.row(23).contains('q leave')

        when:
        screen.type('q')

        then:
        left()
    }

    def "a 120x40 terminal shows more of each panel"() {
        given:
        def screen = open(120, 40)

        when:
        def text = screen.awaitText('failures (3)')

        then:
        text.readLines().count { it ==~ /^ [1-4] .*/ } == 4
        text.contains('team/app-97:1.0')
        text.contains('team/app-98:1.0')
        text.contains('team/app-99:1.0')
        text.contains('PROGRESS')
        // 5 graph rows over 3 at 80x24: the sparkline grows on tall terminals.
        text.readLines().count { it =~ /[▁▂▃▄▅▆▇█]{5}/ } >= 4

        when:
        screen.type('q')

        then:
        left()
    }

    def "at 40x10 the panels go in a fixed order and the header stays; below that one line says it all"() {
        given:
        def screen = open(40, 10)

        when:
        def text = screen.awaitText('failures (3)')

        then: 'the plan name gives way to the state'
        screen.row(0).startsWith(' push ap…  job 7  ▶ RUNNING')
        screen.row(1).contains('images 100/200')
        !text.contains('throughput')
        text.contains('127.0.0.1:5000')

        when:
        screen.resize(39, 10)
        def line = screen.await('the one-line view') { it.startsWith('RUNNING 100/200') }

        then:
        line.trim().readLines().size() == 1
        line.contains('RUNNING 100/200 ✗3 4m12s 12.3M/s 452M/')
        line.contains('✗3')

        when:
        screen.type('q')

        then:
        left()
    }

    def "the layout drops the sparkline first, then the registry lines; below 40x10 it is one line"() {
        expect:
        Layout.of(80, 24, 3, 1) == new Layout(false, 3, 12, 3, 4, 1, 1)
        Layout.of(40, 12, 3, 1).spark() == 3
        Layout.of(40, 11, 3, 1) == new Layout(false, 3, 4, 0, 2, 1, 1)
        Layout.of(40, 10, 3, 1) == new Layout(false, 3, 3, 0, 2, 1, 1)
        Layout.of(40, 10, 3, 3) == new Layout(false, 3, 4, 0, 2, 0, 1)
        Layout.of(40, 10, 3, 1).with { header + table + spark + failures + registries + footer } == 10
        Layout.of(40, 9, 3, 1).oneLine()
        Layout.of(39, 24, 3, 1).oneLine()
        Layout.of(120, 40, 3, 1).spark() == 5
    }

    def "p pauses the job and the header says PAUSED; p again resumes it"() {
        given:
        def screen = open(80, 24)
        screen.awaitText('RUNNING')

        when:
        screen.type('p')

        then:
        screen.awaitText('PAUSED')
        screen.awaitText('p resume', 6)
        job.calls == ['pause']

        when:
        screen.type('p')
        screen.awaitText('RUNNING')

        then:
        job.calls == ['pause', 'resume']

        cleanup:
        screen.type('q')
    }

    def "+ and - add and remove a worker"() {
        given:
        def screen = open(80, 24)
        screen.awaitText('workers 4')

        when:
        screen.type('+')
        screen.awaitText('workers 5')
        screen.type('-')
        screen.type('-')
        screen.awaitText('workers 3')

        then:
        job.calls == ['concurrency 5', 'concurrency 4', 'concurrency 3']

        cleanup:
        screen.type('q')
    }

    def "b sets the bandwidth limit typed at its prompt, and a bad one is refused with a line"() {
        given:
        def screen = open(80, 24)
        screen.awaitText('no limit')

        when:
        screen.type('b')
        screen.awaitText('bandwidth limit (')
        screen.type('20MB/s')
        screen.press(KeyType.Enter)
        screen.awaitText('limit 20.0 MB/s')

        then:
        job.calls == ['rateLimit 20000000']

        when:
        screen.type('bfast')
        screen.press(KeyType.Enter)

        then:
        screen.awaitText("not a rate: 'fast'")
        job.calls == ['rateLimit 20000000']

        cleanup:
        screen.type('q')
    }

    def "r retries the failed images"() {
        given:
        def screen = open(80, 24)
        screen.awaitText('failures (3)')

        when:
        screen.type('r')

        then:
        screen.awaitText('retrying 3 failed images')
        job.calls == ['retryFailed']

        cleanup:
        screen.type('q')
    }

    def "c asks before cancelling: n goes on, y cancels; Ctrl-C cancels at once"() {
        given:
        def screen = open(80, 24)
        screen.awaitText('RUNNING')

        when:
        screen.type('c')
        screen.awaitText('Cancel the push?')
        screen.type('n')
        screen.awaitText('not cancelled')

        then:
        job.calls == []

        when:
        screen.type('c')
        screen.awaitText('Cancel the push?')
        screen.type('y')
        screen.awaitText('cancelling')

        then:
        job.calls == ['cancel']

        when:
        screen.ctrlC()
        screen.await('the cancel notice again') { job.calls.size() == 2 }

        then:
        job.calls == ['cancel', 'cancel']
        shown.alive

        cleanup:
        screen.type('q')
    }

    def "/ filters the rows by image name and f goes round active, failures and all images"() {
        given:
        def screen = open(100, 30)
        screen.awaitText('team/app-101:1.0')

        when:
        screen.type('/app-102')
        screen.press(KeyType.Enter)
        def text = screen.awaitText("matching 'app-102'")

        then:
        text.contains('team/app-102:1.0')
        !text.contains('team/app-101:1.0')
        text.contains('failures: none matching the filter')

        when: 'Esc clears the filter; f shows the failures in the table'
        screen.press(KeyType.Escape)
        screen.type('f')
        text = screen.awaitText('FAILED IMAGE (3 failures)')

        then:
        text.contains('team/app-99:1.0')

        when: 'f again: every image, unfinished ones on top'
        screen.type('f')
        text = screen.awaitText('(200 images)')
        def rows = text.readLines()

        then:
        rows.findIndexOf { it.contains('▶ pushing') } < rows.findIndexOf { it.contains('· queued') }
        text.contains('more (/ filters')

        when: 'failed images come before finished ones'
        screen.type('/app-9')
        screen.press(KeyType.Enter)
        rows = screen.awaitText("(11 matching 'app-9')").readLines()

        then:
        rows.findIndexOf { it.contains('✗ failed') } < rows.findIndexOf { it.contains('✓ pushed') }
        rows.findIndexOf { it.contains('✗ failed') } < rows.findIndexOf { it.contains('= up to date') }

        when:
        screen.press(KeyType.Escape)
        screen.type('f')

        then:
        screen.awaitText('(4 active)')

        cleanup:
        screen.type('q')
    }

    def "Enter shows a failure's whole error and its attempts; ? shows the keys"() {
        given:
        def screen = open(100, 30)
        screen.awaitText('failures (3)')

        when: 'the newest failure is selected first; down twice reaches the oldest'
        screen.press(KeyType.ArrowDown)
        screen.press(KeyType.ArrowDown)
        screen.press(KeyType.Enter)
        def text = screen.awaitText('attempts and events')

        then:
        text.contains('image:   127.0.0.1:5000/team/app-97:1.0')
        text.contains('retries 5')
        text.contains('PUT blob: 503 Service Unavailable after 5 retries')
        text.contains('warn 127.0.0.1:5000/team/app-97: retry 1 after 503')

        when:
        screen.type('x')
        screen.await('the detail closed') { !it.contains('attempts and events') }
        screen.type('?')
        text = screen.awaitText('any key closes this help')

        then:
        text.contains('pause / resume')
        text.contains('leave the dashboard (the push goes on)')
        job.calls == []

        cleanup:
        screen.type('x')
        screen.type('q')
    }

    def "a resize redraws the whole screen at the new size"() {
        given:
        def screen = open(80, 24)
        screen.awaitText('q leave')

        when:
        screen.resize(120, 40)

        then:
        screen.await('the key line on the last row of 40') { it.readLines().size() == 40 && it.readLines()[39].contains('q leave') }
        screen.row(0).length() == 120

        cleanup:
        screen.type('q')
    }

    def "monochrome: no cell has a colour, and states still read as words and symbols"() {
        given:
        def screen = open(80, 24, true)
        screen.awaitText('failures (3)')

        when:
        def colours = (0..<24).collectMany { r -> (0..<80).collect { c -> screen.terminal.getCharacter(c, r).foregroundColor } }.toSet()

        then:
        colours == [TextColor.ANSI.DEFAULT] as Set
        screen.text().contains('▶ RUNNING')
        screen.text().contains('✗ 3 failed')

        cleanup:
        screen.type('q')
    }

    def "colour when the terminal has it, none with NO_COLOR or a mono TERM"() {
        expect:
        Dashboard.monochrome(env) == mono

        where:
        env                                      | mono
        [TERM: 'xterm-256color']                 | false
        [TERM: 'tmux-256color', NO_COLOR: '1']   | true
        [TERM: 'xterm-256color', NO_COLOR: '']   | false
        [TERM: 'xterm-mono']                     | true
        [TERM: 'vt100']                          | true
        [:]                                      | true
    }

    def "when the job ends its final state stays until a key"() {
        given:
        def screen = open(80, 24)
        screen.awaitText('RUNNING')

        when:
        job.with(state: JobState.DONE, ended: Instant.now(), transfers: [])
        def text = screen.awaitText('Press any key')

        then:
        text.contains('✓ DONE')
        text.contains('done: 90 pushed, 7 up to date, 3 failed')
        text.contains('took ')
        shown.alive

        when:
        screen.type('x')

        then:
        left()
        job.calls == []
    }

    def "read-only: the keys that would change the job do nothing and say why"() {
        given:
        def screen = open(80, 24, false, true)
        screen.awaitText('read-only')

        when:
        screen.type('p+-rc')
        screen.awaitText('attached with --read-only')
        screen.ctrlC()

        then:
        left()
        job.calls == []
    }

    def "StreamTerminal draws over plain streams at the size it is given, and q over its input leaves"() {
        given:
        def keys = new PipedOutputStream()
        def closed = []
        def input = new FilterInputStream(new PipedInputStream(keys)) {
            void close() { closed << 'input'; super.close() }
        }
        def output = new ByteArrayOutputStream() {
            void close() { closed << 'output'; super.close() }
        }
        def terminal = new StreamTerminal(input, output, StandardCharsets.UTF_8, 90, 20)

        when:
        def thread = Thread.start { Dashboard.show(job, terminal, true) }
        def deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5)
        while (!output.toString('UTF-8').contains('failures (3)') && System.nanoTime() < deadline) {
            Thread.sleep(20)
        }
        terminal.resize(100, 30)
        Thread.sleep(300)
        keys.write('q'.bytes)
        keys.flush()
        thread.join(5000)
        def sent = output.toString('UTF-8')

        then: 'the alternate screen, the frame, the redraw at 30 rows, and the normal screen again'
        !thread.alive
        sent.startsWith('\u001b[?1049h')
        sent.contains('push app-*.tar')
        sent.contains('\u001b[30;1H')
        sent.endsWith('\u001b[?1049l')

        and: 'the streams stay open for their owner'
        closed == []
    }
}
