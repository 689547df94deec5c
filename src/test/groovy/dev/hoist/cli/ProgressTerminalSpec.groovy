package dev.hoist.cli

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Prereqs
import dev.hoist.support.Tmux

/** `--progress auto` in a real terminal (tmux): live lines on it, plain lines when stderr goes elsewhere. */
class ProgressTerminalSpec extends IntegrationSpec {

    def setupSpec() {
        Prereqs.require(['tmux'])
    }

    String hoistCommand(List<String> args) {
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        ([java, '-cp', System.getProperty('java.class.path'), "-Dhoist.cache.dir=${tmp}/cache".toString(),
          'dev.hoist.cli.Main'] + args).collect { "'" + it.replace("'", "'\\''") + "'" }.join(' ')
    }

    def "on a terminal the overall line shows images, bytes, rate, ETA and the limit; with stderr in a file, plain lines"() {
        given:
        def reg = registry()
        def layout = images().randomLayout(new File(tmp, 'layout'), 6, 300_000)
        def err = new File(tmp, 'err.txt')
        def tmux = new Tmux()

        when:
        tmux.start(['bash', '-c', hoistCommand(['push', "oci:${layout.path}".toString(), "${reg.host}/app".toString(),
                '--limit-rate', '400kB/s']) + '; echo EXIT=$?'], 120, 30)
        def live = tmux.waitFor(/images \d\/6 +\[#* *\] .* ETA (\d+m)?\d+s +limit 400.0 kB\/s/)
        def end = tmux.waitFor(/EXIT=\d+/, 60)

        then:
        live =~ /push +sha256:[0-9a-f]{12} app/
        end.contains('EXIT=0')
        end.contains('6 pushed, 0 up to date, 0 failed')
        !(end =~ /images \d\/6/)

        when:
        tmux.close()
        tmux = new Tmux()
        tmux.start(['bash', '-c', hoistCommand(['push', "oci:${layout.path}".toString(), "${reg.host}/again".toString()])
                + " 2> '${err.path}'; echo EXIT=\$?"], 120, 30)
        tmux.waitFor(/EXIT=\d+/, 60)

        then:
        err.text.contains("done ${reg.host}/again:1@sha256:")
        !err.text.contains('\u001b')

        cleanup:
        tmux?.close()
    }
}
