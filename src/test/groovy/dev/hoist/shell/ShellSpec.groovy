package dev.hoist.shell

import dev.hoist.support.Hoist
import dev.hoist.support.ShellDriver
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path

class ShellSpec extends Specification {

    @TempDir
    Path tmp

    ShellDriver shell

    def cleanup() {
        shell?.close()
    }

    ShellDriver start() {
        shell = new ShellDriver(tmp.resolve('state/history'), [HOME: tmp.toString()])
        shell.prompt(0)
        shell
    }

    def "runs hoist's commands with their own help and options"() {
        given:
        start()

        when:
        int from = shell.line('images --help')
        shell.prompt(from + 1)

        then:
        shell.text(from).contains('Usage: hoist images')
        shell.text(from).contains('--platform=OS/ARCH')
    }

    def "a variable defined with def on one line is there on the next"() {
        given:
        start()

        when:
        shell.prompt(shell.line('def x = 41'))
        int from = shell.line('x + 1')
        shell.waitFor('42', from)

        then:
        shell.text(from).contains('42')
    }

    def "a closure typed over several lines gets the continuation prompt until its brace closes"() {
        given:
        start()

        when:
        int from = shell.line('def twice = {')
        shell.waitFor('...> ', from)
        shell.line('  it * 2')
        int closed = shell.line('}')
        shell.prompt(closed)
        from = shell.line('twice(21)')
        shell.waitFor('42', from)

        then:
        noExceptionThrown()
    }

    def "an exclamation mark is Groovy, not history expansion"() {
        given:
        start()

        when:
        int from = shell.line('!false')
        shell.waitFor('true', from)

        then:
        noExceptionThrown()
    }

    def "Ctrl-C clears the line being typed and the shell stays"() {
        given:
        start()

        when:
        shell.type('this is not run')
        shell.waitFor('this is not run')
        int from = shell.mark()
        shell.type('\u0003')
        shell.prompt(from)
        from = shell.line('6 * 7')
        shell.waitFor('42', from)

        then:
        !shell.text().contains('No such property')
    }

    def "Ctrl-C stops a runaway Groovy loop and the shell stays"() {
        given:
        start()

        when:
        int from = shell.line('while (true) { }')
        Thread.sleep(300)
        shell.type('\u0003')
        shell.waitFor('interrupted', from)
        from = shell.line('1 + 2')
        shell.waitFor('3', from)

        then:
        noExceptionThrown()
    }

    def "Ctrl-D leaves with the exit code of the last failing line"() {
        given:
        start()

        when:
        int from = shell.line('noSuchThing')
        shell.prompt(from)
        from = shell.line('1')
        shell.prompt(from)
        shell.type('\u0004')

        then:
        shell.awaitExit() == 2
    }

    def "exit leaves with exit code 0 when nothing failed"() {
        given:
        start()

        when:
        shell.line('exit')

        then:
        shell.awaitExit() == 0
    }

    def "the history file keeps lines with their secrets masked"() {
        given:
        start()

        when:
        shell.prompt(shell.line('push --token s3cr3t-token'))
        shell.prompt(shell.line("def creds = [user: 'me', password: 'hunter2']"))
        shell.prompt(shell.line('6 * 7'))
        shell.line('exit')
        shell.awaitExit()
        def history = Files.readString(tmp.resolve('state/history'))

        then:
        history.contains('push --token ****')
        history.contains("password: '****'")
        history.contains('6 * 7')
        !history.contains('s3cr3t')
        !history.contains('hunter2')
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve('state/history'))) == 'rw-------'
    }

    def "Ctrl-R finds an earlier line by a substring and Enter runs it again; the history file keeps its secrets masked"() {
        given:
        start()
        shell.prompt(shell.line("'ctrl' + 'r-found'"))
        shell.prompt(shell.line('push --token s3cr3t-token --to'))
        shell.prompt(shell.line('6 * 7'))

        when: 'a search for part of the first line'
        int from = shell.mark()
        shell.type('\u0012r-fo')
        shell.waitFor("'ctrl' + 'r-found'", from)
        shell.type('\r')
        shell.waitFor('ctrlr-found', from)
        shell.prompt(from + 1)

        and: 'a search for the line that had a secret brings it back masked'
        int secret = shell.mark()
        shell.type('\u0012--tok')
        shell.waitFor('push --token **** --to', secret)
        shell.type('\r')
        shell.waitFor("Missing required parameter for option '--to'", secret)
        shell.line('exit')
        shell.awaitExit()
        def history = Files.readString(tmp.resolve('state/history'))

        then:
        shell.text(from).count('ctrlr-found') == 1
        history.count("'ctrl' + 'r-found'") == 2
        history.count('push --token **** --to') == 2
        !history.contains('s3cr3t')
        !shell.text(secret).contains('s3cr3t')
    }

    def "Tab completes command names, their options, option values and source paths"() {
        given:
        Files.createDirectories(tmp.resolve('layouts/app-layout'))
        start()

        when: 'a command name'
        int from = shell.mark()
        shell.type('pu\t')
        shell.waitFor('push ', from)

        and: 'one of its options'
        shell.type('--concur\t')
        shell.waitFor('--concurrency', from)

        and: 'a platform'
        shell.type('4 --platform linux/arm6\t')
        shell.waitFor('linux/arm64', from)

        and: 'a source path with its prefix'
        shell.type(" oci:${tmp}/lay\t")
        shell.waitFor("oci:${tmp}/layouts/", from)
        shell.type('\u0015')

        then:
        noExceptionThrown()
    }

    def "Alt-H shows the help of the option under the cursor above the line"() {
        given:
        start()

        when:
        int from = shell.mark()
        shell.type('push --concurrency')
        shell.waitFor('--concurrency', from)
        shell.type('\u001Bh')
        shell.waitFor('Blob transfers at once', from)

        then:
        noExceptionThrown()
    }

    def "a command line is split into words as sh splits it: quotes and backslashes keep a space inside a word"() {
        given:
        new dev.hoist.support.Images(tmp.resolve('work').toFile()).randomLayout(tmp.resolve('my layouts/app').toFile(), 2, 1000)
        start()

        when:
        int from = shell.line("images '${tmp}/my layouts/app' \"${tmp}/my layouts/app\" ${tmp}/my\\ layouts/app")
        shell.prompt(from + 1)

        then: 'three sources, each read (each holds the 2 images)'
        shell.text(from).contains('6 of 6 images selected')
        !shell.text(from).contains('no such file')
    }

    def "a path Tab completed from ~ runs: ~ at the start of a word, or after a source's transport, is the session's home"() {
        given: 'a layout in the home'
        new dev.hoist.support.Images(tmp.resolve('work').toFile()).randomLayout(tmp.resolve('my layouts/app').toFile(), 2, 1000)
        start()

        when: 'Tab completes the path from ~'
        int from = shell.mark()
        shell.type('images ~/my\\ lay\t')
        shell.waitFor('images ~/my\\ layouts/', from)
        shell.type('app\r')
        shell.prompt(from + 1)

        then: 'the command reads it'
        shell.text(from).contains('2 of 2 images selected')

        when: 'after oci:'
        from = shell.line('images oci:~/my\\ layouts/app')
        shell.prompt(from + 1)

        then:
        shell.text(from).contains('2 of 2 images selected')

        when: 'quoted: a literal ~, as sh keeps it'
        from = shell.line("images ~/my\\ layouts/app '~/my layouts/app'")
        shell.prompt(from + 1)

        then:
        shell.text(from).contains('~/my layouts/app: no such file')
    }

    def "Tab on a Groovy line offers the session's variables"() {
        given:
        start()
        shell.prompt(shell.line('def sourceHost = "localhost:5000"'))

        when:
        int from = shell.mark()
        shell.type('println sourceH\t')
        shell.waitFor('println sourceHost', from)

        then:
        noExceptionThrown()
    }

    def "Tab offers the names of the registries and plans the session defined"() {
        given:
        start()
        int defined = shell.line("registry 'backupRegistry', { host 'localhost:5000' }")
        shell.prompt(defined)
        shell.prompt(shell.line("plan 'nightlyPlan', { to registry('backupRegistry') }"))

        when:
        int from = shell.mark()
        shell.type('println backupR\t')
        shell.waitFor('println backupRegistry', from)
        shell.type('\u0015nightlyP\t')
        shell.waitFor('nightlyPlan', from)

        then:
        noExceptionThrown()
    }

    def "hoist shell reads a session from stdin: no prompts, one result per line, an unknown word named in one line, the last failure's exit code"() {
        when:
        def run = Hoist.run(['shell'], [HOME: tmp.toString()], '''\
def plans = ['a', 'b']
plans.size()
def c = {
  it.toUpperCase()
}
c('x')
nosuch
images --help
1 + 1
''')

        then:
        run.exit == 2
        run.out.readLines().take(2) == ['2', 'X']
        run.out.contains('Usage: hoist images')
        run.out.readLines().last() == '2'
        !run.out.contains('hoist>')
        run.err.readLines().contains("hoist: unknown command or variable 'nosuch' (help lists the commands)")
        !run.err.contains('hoist_line')
        !run.out.contains('\u001B[')
    }
}
