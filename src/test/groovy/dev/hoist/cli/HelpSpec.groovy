package dev.hoist.cli

import dev.hoist.support.Hoist
import dev.hoist.support.Prereqs
import dev.hoist.support.Proc
import spock.lang.Specification
import spock.lang.TempDir

class HelpSpec extends Specification {

    static final List<String> COMMANDS = ['push', 'build', 'images', 'login', 'logout', 'serve', 'ps', 'attach', 'shell', 'run', 'check', 'completion']

    @TempDir
    File tmp

    def cleanup() {
        System.clearProperty('picocli.usage.width')
        System.clearProperty('picocli.ansi')
    }

    def "every command has a one-line summary that is a whole sentence"() {
        when:
        def help = Hoist.run(['--help']).out.readLines()
        def rows = help.subList(help.indexOf('Commands:') + 1, help.findIndexOf { it.isBlank() })

        then:
        rows*.trim()*.split(/\s+/)*.getAt(0) == COMMANDS + 'help'
        rows.every { it ==~ /  [a-z]+ +[A-Z][^.]*\./ }
    }

    def "help is wrapped between words, never inside one, and never wider than 80 columns: #command"() {
        when:
        def run = Hoist.run(command + ['--help'])
        System.setProperty('picocli.usage.width', '1000')
        def wide = Hoist.run(command + ['--help'])

        then:
        run.exit == 0
        run.out.readLines().every { it.length() <= 80 }
        // picocli's own wrapping broke after a colon, a dot or a slash: "oci:" / "DIR]...", "FILE." / "tar".
        run.out.split(/\s+/) == wide.out.split(/\s+/)

        where:
        command << [[]] + COMMANDS.collect { [it] }
    }

    def "on a terminal, styled help breaks its lines where plain help does: styles take no column (#command)"() {
        when:
        def plain = Hoist.run(command + ['--help'])
        System.setProperty('picocli.ansi', 'true')
        def styled = Hoist.run(command + ['--help'])

        then: 'bold commands and yellow options counted as text once pushed rows past 80 columns and indented their next lines 13 too far'
        styled.out.contains('\u001B[')
        styled.out.replaceAll(/\u001B\[[0-9;]*m/, '') == plain.out

        where:
        command << [[], ['push'], ['login']]
    }

    def "descriptions carry no hard line breaks inside sentences: a wide terminal gets whole paragraphs"() {
        given:
        System.setProperty('picocli.usage.width', '200')

        when:
        def push = Hoist.run(['push', '--help']).out.readLines()
        def build = Hoist.run(['build', '--help']).out.readLines()

        then:
        push.contains('SOURCE TARGET: TARGET is HOST[:PORT]/REPOSITORY[:TAG]; without a tag each image keeps the tag it has in its source.')
        push.contains('   or: hoist push [OPTIONS] SOURCE... --to HOST[:PORT][/NAMESPACE] [--to oci:DIR]...')
        build.any { it.contains("then pushed with hoist's engine, written to an OCI layout") }
    }

    def "hoist completion bash completes commands and options in a real bash"() {
        given:
        def script = new File(tmp, 'hoist.bash')
        script.text = Hoist.run(['completion', 'bash']).out

        expect:
        complete('bash', script, 'hoist comp') == ['completion']
        complete('bash', script, 'hoist push --conc') == ['--concurrency']
        complete('bash', script, 'hoist login --pass') == ['--password', '--password-stdin']
    }

    def "hoist completion zsh registers hoist's completion in a real zsh"() {
        given:
        Prereqs.require(['zsh'])
        def script = new File(tmp, 'hoist.zsh')
        script.text = Hoist.run(['completion', 'zsh']).out

        when:
        def run = shell(['zsh', '-f', '-c', "source ${script.path} && print -r -- \${_comps[hoist]}".toString()])

        then:
        run.exit == 0
        run.out.contains('-F _complete_hoist')
    }

    def "hoist completion fish completes commands, options and their descriptions in a real fish"() {
        given:
        Prereqs.require(['fish'])
        def script = new File(tmp, 'hoist.fish')
        script.text = Hoist.run(['completion', 'fish']).out

        expect:
        complete('fish', script, 'hoist comp') == ['completion\tPrints a shell completion script for bash, zsh or fish.']
        complete('fish', script, 'hoist push --conc') == ['--concurrency\tBlob transfers at once, across all images (default: 4).']
        complete('fish', script, 'hoist completion ') == ['bash', 'fish', 'zsh']
    }

    def "help of every command renders in a 32 MB heap (it once padded each table row to half a billion columns)"() {
        when:
        def runs = ([[]] + COMMANDS.collect { [it] }).collect { cmd ->
            Proc.run(['java', '-Xmx32m', '-cp', System.getProperty('java.class.path'), 'dev.hoist.cli.Main'] + cmd + ['--help'])
        }

        then:
        runs.every { it.exit == 0 && it.out.contains('Usage: hoist') && !it.err.contains('OutOfMemoryError') }
    }

    def "an unknown shell is one line and exit 2"() {
        when:
        def run = Hoist.run(['completion', 'tcsh'])

        then:
        run.exit == 2
        run.err.readLines()[0].startsWith('hoist: ')
        run.err.contains('tcsh')
    }

    def "a first word that is no command says so, with the nearest commands, and exits 2: #line"() {
        when:
        def run = Hoist.run(line.split(' ') as List)

        then:
        run.exit == 2
        run.err.readLines()[0] == expected
        run.err.readLines()[1] == "Try 'hoist --help' for the commands."

        where:
        line    | expected
        'frob'  | "hoist: unknown command 'frob'"
        'pussh' | "hoist: unknown command 'pussh' (did you mean push or shell?)"
        'imges x' | "hoist: unknown command 'imges' (did you mean images?)"
    }

    def "an option the command does not have says so, with the nearest one, and exits 2: #line"() {
        when:
        def run = Hoist.run(line.split(' ') as List)

        then:
        run.exit == 2
        run.err.readLines() == [expected, "Try 'hoist ${line.split(' ')[0]} --help' for more.".toString()]

        where:
        line                                | expected
        'push a.tar r/x:1 --limit 20MB/s'   | "hoist: unknown option '--limit' (did you mean --limit-rate?)"
        'push --limitrate=3 a.tar r/x'      | "hoist: unknown option '--limitrate' (did you mean --limit-rate?)"
        'images --no-trunk a.tar'           | "hoist: unknown option '--no-trunk' (did you mean --no-trunc?)"
        'push -Z a.tar r/x'                 | "hoist: unknown option '-Z'"
    }

    /** What the shell offers for a command line ending at its last character. */
    List<String> complete(String shell, File script, String line) {
        def run
        if (shell == 'bash') {
            def words = line.split(' ', -1)
            run = this.shell(['bash', '--norc', '-c', """source ${script.path}
COMP_LINE='${line}'; COMP_POINT=${line.length()}; COMP_WORDS=(${words.collect { "'${it}'" }.join(' ')}); COMP_CWORD=${words.length - 1}
_complete_hoist
printf '%s\\n' "\${COMPREPLY[@]}" | sort""".toString()])
        } else {
            run = this.shell(['fish', '--no-config', '-c', "source ${script.path}; complete -C '${line}'".toString()])
        }
        assert run.exit == 0: run.err
        run.out.readLines().findAll { !it.isEmpty() }
    }

    Map shell(List<String> command) {
        def p = new ProcessBuilder(command).start()
        p.outputStream.close()
        def out = new StringBuilder()
        def err = new StringBuilder()
        p.waitForProcessOutput(out, err)
        [exit: p.exitValue(), out: out.toString(), err: err.toString()]
    }
}
