package dev.hoist.shell

import dev.hoist.support.Dockerd
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Poll
import dev.hoist.support.ShellDriver

/** The shell with a real Docker daemon: what its images leave on disk, and what Tab offers of them. */
class ShellDaemonSpec extends IntegrationSpec {

    Dockerd dockerd
    ShellDriver shell

    def setup() {
        dockerd = Dockerd.get()
    }

    def cleanup() {
        shell?.close()
    }

    /** Loads an image under a tag of this spec's own (the daemon is shared by the whole run). */
    String loadImage(String tag) {
        def archive = new File(tmp, 'load.tar')
        images().dockerArchive(archive, [[tags: [tag], layers: [['shell-daemon-' + tag.replaceAll(/[^a-z0-9]/, '-'), 40_000]]]])
        dockerd.load(archive)
        archive.delete()
        tag
    }

    List<String> spooled() {
        (new File(tmp, 'cache/spool').list() ?: []) as List<String>
    }

    def "the export a Groovy line's daemon push spooled is gone when the line ends, or when its background job ends"() {
        given:
        def image = loadImage('shellspool/app:1.0')
        def reg = registry()
        def spool = new File(tmp, 'cache/spool').path
        def lines = """
push { from daemon('${image}'); to '${reg.host}/fg' }
println 'spooled after the line: ' + (new File('${spool}').list() ?: []).size()
push { from daemon('${image}'); to '${reg.host}/bg' } &
wait
"""

        when: 'a shell that lives on after its lines (nothing exits the JVM)'
        def run = hoist(['shell'], dockerd.env() + [HOME: tmp.path], lines)

        then:
        run.exit == 0
        reg.hasTag('fg/shellspool/app', '1.0')
        reg.hasTag('bg/shellspool/app', '1.0')
        new File(spool).isDirectory()
        run.out.contains('spooled after the line: 0')
        Poll.waitFor('the background job\'s spool file removed', 10_000) { spooled().isEmpty() }
    }

    def "Tab after docker-daemon: offers the REPO:TAG names of DOCKER_HOST's daemon; one that does not answer offers nothing, quietly, within 2 s"() {
        given:
        loadImage('shellcomp/app:1.0')
        loadImage('shellcomp/web:2.0')
        shell = ShellDriver.inHome(tmp, dockerd.env())

        when:
        def shown = shell.tab('push docker-daemon:shellcomp/')
        def option = shell.tab('push --to localhost:5000/ns --from-daemon shellcomp/a')

        then:
        shown.text.contains('shellcomp/app:1.0')
        shown.text.contains('shellcomp/web:2.0')
        option.text.contains('pp:1.0')

        when: 'a shell whose DOCKER_HOST leads nowhere'
        shell.close()
        shell = ShellDriver.inHome(tmp, [DOCKER_HOST: "unix://${tmp}/nothing.sock".toString()])
        def none = shell.tab('push docker-daemon:')
        def again = shell.tab('push docker-daemon:')

        then:
        none.ms < 2_000
        again.ms < 500
        [none, again].every {
            !it.text.contains('shellcomp') && !it.text.contains('hoist:') && !it.text.contains('Exception') && !it.text.contains('WARN')
        }
    }
}
