package dev.hoist.cli

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec

class CancelSpec extends IntegrationSpec {

    def "Ctrl-C stops the push, prints the summary, exits 130 and leaves no tag"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'big.tar')
        images().dockerArchive(archive, [[tags: ['demo/big:1.0'], layers: [['big1', 30_000_000], ['big2', 30_000_000]]]])
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def process = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'),
                "-Dhoist.cache.dir=${tmp}/cache".toString(), 'dev.hoist.cli.Main',
                'push', archive.path, "${reg.host}/big:1.0".toString(), '--concurrency', '1')
                .redirectErrorStream(true).start()
        def output = new StringBuffer()
        def reader = Thread.start { process.inputStream.eachLine { output.append(it).append('\n') } }

        when: 'the first blob is under way'
        def deadline = System.currentTimeMillis() + 20_000
        while (!output.toString().contains('pushed sha256:') && System.currentTimeMillis() < deadline) {
            Thread.sleep(50)
        }
        new ProcessBuilder('kill', '-INT', process.pid().toString()).start().waitFor()
        process.waitFor()
        reader.join(5_000)

        then:
        process.exitValue() == 130
        output.toString().contains('cancelled:')
        !reg.hasTag('big', '1.0')
    }

    def "Ctrl-C during a registry's Retry-After wait ends the wait at once"() {
        given:
        def reg = registry()
        def proxy = new FaultProxy(reg)
        proxy.rule = { FaultProxy.Seen seen -> seen.method == 'POST' ? 'retry-after:60' : null }
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['app', 100_000]]]])
        def java = new File(System.getProperty('java.home'), 'bin/java').path
        def process = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'),
                "-Dhoist.cache.dir=${tmp}/cache".toString(), 'dev.hoist.cli.Main',
                'push', archive.path, "${proxy.host}/app:1.0".toString(), '--progress')
                .redirectErrorStream(true).start()
        def output = new StringBuffer()
        def reader = Thread.start { process.inputStream.eachLine { output.append(it).append('\n') } }

        when: 'hoist is waiting out the 60 s the registry asked for'
        def deadline = System.currentTimeMillis() + 20_000
        while (!proxy.seen.any { it.fault == 'retry-after:60' } && System.currentTimeMillis() < deadline) {
            Thread.sleep(50)
        }
        Thread.sleep(500)
        long sent = System.currentTimeMillis()
        new ProcessBuilder('kill', '-INT', process.pid().toString()).start().waitFor()
        process.waitFor()
        long took = System.currentTimeMillis() - sent
        reader.join(5_000)

        then:
        process.exitValue() == 130
        took < 5_000
        !reg.hasTag('app', '1.0')

        cleanup:
        proxy?.close()
    }
}
