package dev.hoist.cli

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
}
