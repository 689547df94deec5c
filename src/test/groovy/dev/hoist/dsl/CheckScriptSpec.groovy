package dev.hoist.dsl

import dev.hoist.support.Hoist
import spock.lang.Specification
import spock.lang.TempDir

class CheckScriptSpec extends Specification {

    @TempDir
    File tmp

    File script(String name = 'push.groovy', String text) {
        def f = new File(tmp, name)
        f.text = text
        f
    }

    Hoist.Run hoist(List<String> args, Map<String, String> env = [:]) {
        Hoist.run(args, [PATH: System.getenv('PATH')] + env)
    }

    def "a misspelt word is reported with its line and column and the word meant"() {
        given:
        def f = script('''registry 'mirror', { host '127.0.0.1:5000' }
def stable = filter {
    tag '1.*'
      repositroy 'demo/*'
}
''')

        when:
        def run = hoist(['check', f.path])

        then:
        run.exit == 2
        run.err.readLines().findAll { it.contains('repositroy') } == ["${f.path}:4:7: unknown word 'repositroy' in a filter; did you mean 'repository'?".toString()]
    }

    def "check reports every problem, one line each, and goes on after the first"() {
        given:
        def f = script('''registry 'mirror', { host '127.0.0.1:5000'; maxRequests 'eight' }
plan 'p', {
    from archives('dist/*.tar')
    select filter { tag semver('>=1 <<2') }
    to registry('mirorr')
    onExisting 'skp'
}
push 'p'
''')

        when:
        def run = hoist(['check', f.path])
        def lines = run.err.readLines()

        then:
        run.exit == 2
        lines.any { it.startsWith("${f.path}:1:".toString()) && it.contains("'maxRequests' does not take (a string ('eight'))") && it.contains('maxRequests(int)') }
        lines.any { it.startsWith("${f.path}:4:".toString()) && it.contains("semver('>=1 <<2')") }
        lines.any { it == "${f.path}:5:17: unknown registry 'mirorr'; did you mean 'mirror'?".toString() }
        lines.any { it.startsWith("${f.path}:6:".toString()) && it.contains("did you mean 'skip'?") }
        lines.any { it.contains('warning:') && it.contains("archives('dist/*.tar') matches no file yet") }
    }

    def "a missing source and an unset credential variable are warnings, not errors; a literal password is warned about"() {
        given:
        def f = script('''registry 'gitea', {
    host 'gitea.example.com:8443'
    credentials env('NOT_SET_USER', 'NOT_SET_PASSWORD')
}
registry 'other', { host 'other.example.com'; username 'me'; password 'hunter2-literal' }
plan 'p', { from layout('build/oci'); to registry('gitea') }
push 'p'
''')

        when:
        def run = hoist(['check', f.path])

        then:
        run.exit == 0
        run.err.contains('warning: environment variable NOT_SET_USER is not set')
        run.err.contains('warning: a secret written in the script')
        !run.err.contains('hunter2-literal')
        run.err.contains('ok (2 registries, 0 named filters, 1 plan)')
    }

    def "run stops at a typo before pushing anything, exit 2"() {
        given:
        def f = script('''plan 'p', { from 'x.tar'; to '127.0.0.1:1/x'; concurency 4 }
push 'p'
''')

        when:
        def run = hoist(['run', f.path])

        then:
        run.exit == 2
        run.err.trim() == "${f.path}:1:47: unknown word 'concurency' in a plan; did you mean 'concurrency'?".toString()
    }

    def "an exception in user code gives the script line, without a Java stack trace unless -v"() {
        given:
        def f = script('''def versions = ['1.0']
def pick(List v) {
    v.get(3)
}
pick(versions)
''')

        when:
        def run = hoist(['run', f.path])
        def verbose = hoist(['run', f.path, '-v'])

        then:
        run.exit == 2
        run.err.readLines().size() == 1
        run.err.startsWith("${f.path}:3:".toString())
        run.err.contains('IndexOutOfBoundsException')
        !run.err.contains('\tat ')
        verbose.err.contains('\tat ')
    }

    def "a syntax error names its line and column"() {
        given:
        def f = script('''plan 'p', {
    from 'x.tar'
    to 'a' 'b' (
}
''')

        when:
        def run = hoist(['check', f.path])

        then:
        run.exit == 2
        run.err.readLines().every { it.startsWith("${f.path}:".toString()) }
        run.err =~ /push\.groovy:\d+:\d+: /
    }

    def "params come from -P, with defaults in the script; an unknown plan is reported with a suggestion"() {
        given:
        def f = script('''println "version=${params.version} channel=${params.get('channel', 'stable')}"
plan 'release', { from 'x.tar'; to '127.0.0.1:1/x' }
images 'relase'
''')

        when:
        def run = hoist(['run', f.path, '-P', 'version=1.2.3'])

        then:
        run.out.contains('version=1.2.3 channel=stable')
        run.exit == 2
        run.err.contains(":3:8: unknown plan 'relase'; did you mean 'release'?")
    }

    def "run - and check - read the script from standard input, its problems named <stdin>"() {
        when:
        def ok = Hoist.run(['run', '-'], [PATH: System.getenv('PATH')], 'println "from stdin ${params.x}"\n')
        def bad = Hoist.run(['check', '-'], [PATH: System.getenv('PATH')], "plan 'p', {\n  from 'a.tar'; to 'h:1/x'; retrys 2\n}\n")

        then:
        ok.exit == 0
        ok.out.contains('from stdin null')
        bad.exit == 2
        bad.err.contains("<stdin>:2:29: unknown word 'retrys' in a plan; did you mean 'retries'?")
    }

    def "a secret given to a word the wrong way is not echoed in the error"() {
        given:
        def f = script("""registry 'r', { host 'h.example.com'; password 'hunter2-secret', 'extra' }
""")

        when:
        def run = hoist(['check', f.path])

        then:
        run.exit == 2
        run.err.contains("'password' does not take (a string, a string)")
        !run.err.contains('hunter2-secret')
    }
}
