package dev.hoist.shell

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry
import dev.hoist.support.ShellDriver

/** {@code login} without a password in the shell asks on the shell's own terminal, not on the process's console. */
class ShellLoginSpec extends IntegrationSpec {

    ShellDriver shell

    def cleanup() {
        shell?.close()
    }

    def "login HOST -u USER asks Password: on the shell's terminal, echoes nothing, keeps the secret out of the history, and the login works"() {
        given:
        def reg = registry(Registry.Variant.BASIC)
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['app', 60_000]]]])
        def history = new File(tmp, 'state/history')
        shell = new ShellDriver(history.toPath(),
                [PATH: System.getenv('PATH'), DOCKER_CONFIG: new File(tmp, 'docker-config').path, HOME: tmp.path])
        shell.prompt(0)

        when:
        int from = shell.line("login ${reg.host} -u ${Registry.USER}")
        shell.waitFor('Password: ', from)
        shell.type(Registry.PASSWORD + '\r')
        shell.waitFor('Login Succeeded', from)
        shell.prompt(from)

        then: 'nothing of the secret on the screen'
        !shell.text(0).contains(Registry.PASSWORD)
        !shell.text(0).contains('*' * Registry.PASSWORD.length())

        when: 'a push with no credentials given uses the stored login'
        from = shell.line("push ${archive.path} ${reg.host}/demo/app:1.0 -q")
        shell.waitFor("${reg.host}/demo/app:1.0@sha256:", from, 60_000)
        shell.prompt(from)
        shell.line('exit')
        shell.awaitExit()

        then:
        reg.hasTag('demo/app', '1.0')
        history.text.contains("login ${reg.host} -u ${Registry.USER}")
        !history.text.contains(Registry.PASSWORD)
    }

    def "login with no terminal to ask on (a session read from stdin) says how to give the password"() {
        given:
        def reg = registry(Registry.Variant.BASIC)

        when:
        def run = hoist(['shell'], [HOME: tmp.path], "login ${reg.host} -u ${Registry.USER}\n".toString())

        then:
        run.exit == 2
        run.err.contains('no credentials given: use -u USER --password-stdin')
    }
}
