package dev.hoist.source

import spock.lang.Specification

import java.nio.file.Files
import java.util.concurrent.CompletableFuture

/**
 * Spool files belong to the command that made them: a shell's or a server's other commands never
 * remove them, and a background job that still reads them removes them at its own end.
 */
class SpoolSpec extends Specification {

    def "a command's spool file goes when the command ends, not before"() {
        when:
        def scope = Spool.open()
        def file = Spool.create('test')

        then:
        Files.exists(file)

        when:
        scope.close()

        then:
        !Files.exists(file)
        Spool.current() == null
    }

    def "a command ending on another thread (another session) leaves this command's file alone"() {
        given:
        def mine = Spool.open()
        def file = Spool.create('mine')

        when: 'another command, on its own thread, makes a file and ends'
        def theirs = CompletableFuture.supplyAsync {
            def scope = Spool.open()
            def f = Spool.create('theirs')
            scope.close()
            f
        }.get()

        then:
        !Files.exists(theirs)
        Files.exists(file)

        cleanup:
        mine.close()
    }

    def "a file handed over to a background job outlives the command and goes at the job's end"() {
        given:
        def scope = Spool.open()
        def file = Spool.create('background')

        when: 'the push goes to the background and the command returns'
        def atJobEnd = scope.handOver()
        def later = Spool.create('a later push of the same command')
        scope.close()

        then:
        Files.exists(file)
        !Files.exists(later)

        when:
        atJobEnd.run()

        then:
        !Files.exists(file)
    }
}
