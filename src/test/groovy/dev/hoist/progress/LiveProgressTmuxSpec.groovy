package dev.hoist.progress

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Prereqs

import java.util.concurrent.TimeUnit

/**
 * Live progress in a real terminal: hoist runs in a tmux pane (a private tmux server) of 80x24,
 * pushing through a proxy that holds each upload a moment so the bars stay up, with repository
 * names longer than the pane. The pane is read back with capture-pane while it runs.
 */
class LiveProgressTmuxSpec extends IntegrationSpec {

    String socket = "hoist-i12-progress-${UUID.randomUUID().toString().take(8)}"

    FaultProxy proxy

    def cleanup() {
        proxy?.close()
        new ProcessBuilder('tmux', '-L', socket, 'kill-server').start().waitFor(10, TimeUnit.SECONDS)
    }

    String tmux(String... args) {
        def p = new ProcessBuilder(['tmux', '-L', socket] + args.toList()).redirectErrorStream(true).start()
        def out = p.inputStream.text
        assert p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0: "tmux ${args.join(' ')}: ${out}"
        out
    }

    /** The pane's rows as they show, trailing blanks dropped. */
    List<String> screen() {
        tmux('capture-pane', '-p', '-t', 'push').readLines()*.replaceAll(/\s+$/, '')
    }

    static boolean bar(String row) {
        row ==~ /  (push|gzip) sha256:[0-9a-f]{12} .*/ || row.startsWith('  images ')
    }

    /** A bar's row holds its whole line: one the pane had to wrap would be cut before its end. */
    static boolean whole(String row) {
        // An ETA as Durations.brief writes it, so stray characters after it (a rewrapped line's) do not pass.
        row.startsWith('  images ') ? row ==~ /.*(ETA (--|\d+h\d\dm|\d+m\d\ds|\d+s)|%)/ : row ==~ /.*(\/s|%)/
    }

    /**
     * The bars seen while the pane is 80 columns wide, resized to 60 once 3 bars show, and after;
     * until {@code ended} holds for the screen: [bars at 80, bars at 60, the last screen, the whole history].
     */
    List watch(Closure<Boolean> ended) {
        def seen80 = []
        def seen60 = []
        long resized = 0
        def deadline = System.currentTimeMillis() + 180_000
        def lines = screen()
        while (!ended(lines) && System.currentTimeMillis() < deadline) {
            def bars = lines.findAll { bar(it) }
            if (!resized) {
                seen80.addAll(bars)
            } else if (System.currentTimeMillis() > resized + 500) {
                seen60.addAll(bars)
            }
            if (!resized && bars.size() >= 3) {
                tmux('resize-window', '-t', 'push', '-x', '60', '-y', '24')
                resized = System.currentTimeMillis()
            }
            Thread.sleep(100)
            lines = screen()
        }
        [seen80, seen60, lines, tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'push').readLines()*.replaceAll(/\s+$/, '')]
    }

    /**
     * An archive of {@code n} images with repository names longer than the pane, and a proxy (to a
     * fresh registry) that holds each upload a moment so the bars stay up.
     */
    File slowPush(int n) {
        Prereqs.require(['tmux'])
        proxy = new FaultProxy(registry())
        proxy.rule = { FaultProxy.Seen s -> s.method in ['PATCH', 'PUT'] && s.path.contains('/blobs/uploads/') ? 'stall:700' : null }
        def archive = new File(tmp, 'many.tar')
        images().dockerArchive(archive, (1..n).collect { i ->
            [tags: ["team/a-rather-long-repository-name-for-progress/service-number-${i}:1".toString()],
             layers: [['shared', 400_000], ["own${i}".toString(), 300_000]]]
        })
        archive
    }

    def "at 80x24 the bars fit the pane, follow a resize to 60 columns, redraw in place and leave no copies behind"() {
        given:
        def archive = slowPush(12)
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def command = [java, '-cp', System.getProperty('java.class.path'), 'dev.hoist.cli.Main', 'push', archive.path,
                       '--to', "${proxy.host}/ns".toString(), '--concurrency', '4']
        def script = new File(tmp, 'run.sh')
        script.text = """#!/bin/sh
unset CI
export HOIST_CACHE_DIR='${tmp}/cache' HOIST_CONFIG_DIR='${tmp}/config' DOCKER_CONFIG='${tmp}/docker-config'
${command.collect { "'${it}'" }.join(' ')}
echo "HOIST-EXIT=\$?"
sleep 600
"""
        script.setExecutable(true)

        when:
        tmux('new-session', '-d', '-s', 'push', '-x', '80', '-y', '24', script.path)
        def (seen80, seen60, lines, history) = watch { List<String> rows -> rows.any { it.startsWith('HOIST-EXIT=') } }

        then: 'the push ended well'
        lines.contains('HOIST-EXIT=0')

        and: 'bars were drawn at 80 columns, none as wide as the pane'
        seen80.any { it.startsWith('  images ') }
        seen80.any { it.contains('..') }
        seen80.every { it.length() < 80 && whole(it) }

        and: 'after the resize they fit 60 columns'
        seen60.size() > 0
        seen60.every { it.length() < 60 && whole(it) }

        and: 'the block was redrawn in place: each finished step is there once, and no copies of bars pile up'
        // The one resize makes tmux rewrap the lines on screen at that moment: pieces of that one block
        // may stay above it (at most its rows). The defect this guards against left a copy per redraw.
        history.findAll { bar(it) }.size() <= 3
        history.count { it.startsWith('pushed manifest ') } == 12
        history.findAll { it.startsWith('pushed ') }.countBy { it }.values().every { it == 1 }
    }

    def "in hoist shell at 80x24 (no \$COLUMNS in its environment) the bars fit the shell's terminal and follow its resize"() {
        given:
        def archive = slowPush(8)
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def script = new File(tmp, 'shell.sh')
        script.text = """#!/bin/sh
unset CI COLUMNS LINES
export HOIST_CACHE_DIR='${tmp}/cache' HOIST_CONFIG_DIR='${tmp}/config' HOIST_STATE_DIR='${tmp}/state' DOCKER_CONFIG='${tmp}/docker-config'
'${java}' -cp '${System.getProperty('java.class.path')}' dev.hoist.cli.Main shell
sleep 600
"""
        script.setExecutable(true)
        tmux('new-session', '-d', '-s', 'push', '-x', '80', '-y', '24', script.path)
        def deadline = System.currentTimeMillis() + 60_000
        while (!screen().any { it.startsWith('hoist>') } && System.currentTimeMillis() < deadline) {
            Thread.sleep(100)
        }

        when:
        tmux('send-keys', '-t', 'push', '-l', "push ${archive.path} --to ${proxy.host}/ns --concurrency 4".toString())
        tmux('send-keys', '-t', 'push', 'Enter')
        def (seen80, seen60, lines, history) = watch { List<String> rows -> rows.any { it ==~ /\d+ pushed, .*/ } }

        then: 'the push ended well'
        lines.any { it ==~ /8 pushed, 0 up to date, 0 failed.*/ }

        and: 'bars were drawn for the 80 columns of the shell terminal (they came as wide as their text, wrapped and piled up)'
        seen80.any { it.startsWith('  images ') }
        seen80.every { it.length() < 80 && whole(it) }

        and: 'and for 60 after the resize'
        seen60.size() > 0
        seen60.every { it.length() < 60 && whole(it) }

        and: 'redrawn in place'
        history.findAll { bar(it) }.size() <= 3
        history.count { it.startsWith('pushed manifest ') } == 8
    }
}
