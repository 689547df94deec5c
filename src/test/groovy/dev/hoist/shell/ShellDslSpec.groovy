package dev.hoist.shell

import dev.hoist.support.IntegrationSpec

/** The DSL in the shell: definitions add up over lines, push runs through the shell's jobs. */
class ShellDslSpec extends IntegrationSpec {

    def "a registry and a plan typed over several lines push; with & the push is a job that jobs lists"() {
        given:
        def reg = registry()
        def dist = new File(tmp, 'dist')
        dist.mkdirs()
        images().dockerArchive(new File(dist, 'app.tar'), [[tags: ['demo/app:1.0'], layers: [['base', 60_000], ['app', 20_000]]]])
        def lines = """
registry 'local', {
    host '${reg.host}'
    namespace 'team'
}
plan 'p', {
    from archives('${dist.path}/*.tar')
    to registry('local')
}
plan 'q', {
    from archives('${dist.path}/*.tar')
    to registry('local')
    addTag 'later'
}
images('p').each { println "image \${it}" }
def r = push 'p'
r.pushed.each { println "got \${it.target}@\${it.digest}" }
push 'q' &
jobs
wait
"""

        when:
        def run = hoist(['shell'], [HOME: tmp.path], lines)
        def got = run.out.readLines().find { it.startsWith('got ') }

        then:
        run.exit == 0
        run.out.readLines().count { it.startsWith('image ') } == 1
        got != null
        got.endsWith("@${reg.manifestDigest('team/demo/app', '1.0')}")
        run.err.contains('[2] started')
        run.out =~ /\[2\] push 'q'/
        reg.hasTag('team/demo/app', 'later')
        reg.manifestDigest('team/demo/app', 'later') == reg.manifestDigest('team/demo/app', '1.0')
    }

    def "the push command still runs when its words are not a DSL call, and an unknown plan is one line"() {
        given:
        def reg = registry()
        def app = new File(tmp, 'app.tar')
        images().dockerArchive(app, [[tags: ['demo/app:1.0'], layers: [['app', 20_000]]]])

        when:
        def run = hoist(['shell'], [HOME: tmp.path], "push ${app.path} ${reg.host}/cli:1.0\npush 'nope'\n")

        then:
        reg.hasTag('cli', '1.0')
        run.exit == 2
        run.err.readLines().count { it.contains('nope') } == 1
    }
}
