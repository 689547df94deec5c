package dev.hoist.shell

import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry
import dev.hoist.support.ShellDriver

/**
 * Tab on what a line names: the images in its sources (read from index.json or manifest.json
 * only) and the tags in its target repository (tags/list of a real registry, reached as the push would).
 */
class ShellCompletionSpec extends IntegrationSpec {

    ShellDriver shell

    def cleanup() {
        shell?.close()
    }

    ShellDriver start() {
        shell = ShellDriver.inHome(tmp)
    }

    Map tab(String typed) {
        shell.tab(typed)
    }

    def "Tab after oci:DIR: offers the names in the layout's index.json, even with every blob gone"() {
        given: 'a layout of 16 images'
        def layout = images().randomLayout(new File(tmp, 'layout'), 16, 1000, false, 'demo/app')
        // Only index.json is read: the manifests and layers are not needed to name the images.
        new File(layout, 'blobs').deleteDir()
        start()

        when:
        def shown = tab("push oci:${layout}:")
        def again = tab("push oci:${layout}:demo/app:1")

        then:
        (1..16).every { shown.text.contains("demo/app:${it}") }
        again.text =~ /\b16\b/
        again.ms < ShellCompleter.BUDGET.toMillis()
    }

    def "Tab after docker-archive:FILE: offers the RepoTags of the archive's manifest.json"() {
        given:
        def archive = new File(tmp, 'web.tar')
        images().dockerArchive(archive, [[tags: ['demo/web:1.0', 'demo/web:2.0'], layers: [['web', 5000]]]])
        start()

        when:
        def shown = tab("push docker-archive:${archive}:demo/web:")

        then:
        shown.text.contains('1.0')
        shown.text.contains('2.0')
    }

    def "Tab after --include and --tags offers the repositories and tags of the sources on the line"() {
        given:
        def archive = new File(tmp, 'two.tar')
        images().dockerArchive(archive, [[tags: ['team/api:3.1'], layers: [['api', 3000]]],
                                         [tags: ['team/worker:0.9'], layers: [['worker', 3000]]]])
        start()

        when:
        def repositories = tab("images ${archive} --include team/")
        def tags = tab("images ${archive} --tags ")

        then:
        repositories.text.contains('team/api')
        repositories.text.contains('team/worker')
        tags.text.contains('3.1')
        tags.text.contains('0.9')
    }

    def "Tab after HOST/REPO: in a target offers the tags the registry holds there"() {
        given:
        def reg = registry()
        def layout = images().randomLayout(new File(tmp, 'tagged'), 2, 1000, false, 'demo/app')
        assert hoist(['push', '-q', "oci:${layout}".toString(), "${reg.host}/demo/app".toString()]).exit == 0
        start()

        when: 'the target of push SOURCE TARGET'
        def positional = tab("push oci:${layout} ${reg.host}/demo/app:")

        and: 'the target of --to'
        def to = tab("push oci:${layout} --to ${reg.host}/demo/app:")

        and: 'HOST/ in the target of push SOURCE TARGET, then a colon'
        int from = shell.mark()
        shell.type("push oci:${layout} ${reg.host}/\t")
        shell.waitFor("${reg.host}/demo/app", from)
        shell.type(':\t')
        def deadline = System.currentTimeMillis() + 10_000
        while (!shell.text(from).readLines().any { it =~ /\b1\s+2\b/ } && System.currentTimeMillis() < deadline) {
            Thread.sleep(20)
        }
        def stepwise = shell.text(from)
        shell.type('\u0015')

        then:
        [positional, to].every { shown -> shown.text.readLines().any { it =~ /\b1\s+2\b/ } }
        stepwise.readLines().any { it =~ /\b1\s+2\b/ }
    }

    /** Pushes a layout of two images, tags 1 and 2, into team/secret with the registry's password; returns the layout. */
    File privateTags(Registry reg) {
        def layout = images().randomLayout(new File(tmp, 'private'), 2, 1000, false, 'secret')
        assert hoist(['push', '-q', '-u', Registry.USER, '--password-stdin', "oci:${layout}".toString(),
                      "${reg.host}/team/secret".toString()], [:], Registry.PASSWORD + '\n').exit == 0
        layout
    }

    def "Tab reads a registry's tags with the line's credentials, as its push would"() {
        given: 'tags 1 and 2 in team/secret of a registry that wants a password'
        def reg = registry(Registry.Variant.BASIC)
        def layout = privateTags(reg)
        start()

        when:
        def anonymous = tab("push oci:${layout} ${reg.host}/team/secret:")
        def withFlags = tab("push -u ${Registry.USER} -p ${Registry.PASSWORD} oci:${layout} ${reg.host}/team/secret:")

        then: 'without credentials the registry says 401: no candidates and nothing printed'
        !anonymous.text.contains('unauthorized')
        !anonymous.text.readLines().any { it =~ /\b1\s+2\b/ }
        withFlags.text.readLines().any { it =~ /\b1\s+2\b/ }
    }

    def "tags read with one line's credentials are not offered to a line with other credentials"() {
        given: 'tags 1 and 2 in team/secret of a registry that wants a password'
        def reg = registry(Registry.Variant.BASIC)
        def layout = privateTags(reg)
        start()

        when: 'the right password reads the tags first, then a wrong one, a token and no credentials ask for the same repository'
        def allowed = tab("push -u ${Registry.USER} -p ${Registry.PASSWORD} oci:${layout} ${reg.host}/team/secret:")
        def wrong = tab("push -u ${Registry.USER} -p not-the-password oci:${layout} ${reg.host}/team/secret:")
        def token = tab("push --token some-other-token oci:${layout} ${reg.host}/team/secret:")
        def none = tab("push oci:${layout} ${reg.host}/team/secret:")

        then: 'only the line whose credentials the registry took is offered them'
        allowed.text.readLines().any { it =~ /\b1\s+2\b/ }
        [wrong, token, none].every { shown -> !shown.text.readLines().any { it =~ /\b1\s+2\b/ } }
    }

    def "a registry that does not answer gives no candidates and no output, and Tab returns within 2 s"() {
        given: 'a port that accepts connections and never answers, and one that refuses them'
        def silent = new ServerSocket(0, 50, InetAddress.getByName('127.0.0.1'))
        def refusing = Registry.freePort()
        start()

        when:
        def hanging = tab("push app.tar 127.0.0.1:${silent.localPort}/demo/app:")
        def again = tab("push app.tar 127.0.0.1:${silent.localPort}/demo/app:")
        def refused = tab("push app.tar --to 127.0.0.1:${refusing}/demo/app:")

        then:
        hanging.ms < 2_000
        again.ms < 500
        refused.ms < 2_000
        [hanging, again, refused].every {
            !it.text.contains('hoist:') && !it.text.contains('Exception') && !it.text.contains('WARN')
        }

        cleanup:
        silent?.close()
    }
}
