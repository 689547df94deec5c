package dev.hoist.support

import spock.lang.Specification
import spock.lang.TempDir

/**
 * Base of the specs that run against real programs: checks they are installed, gives each
 * feature a fresh hoist cache, and stops every registry a feature started.
 */
abstract class IntegrationSpec extends Specification {

    @TempDir
    File tmp

    private final List<Closeable> started = []

    def setupSpec() {
        Prereqs.require()
    }

    def setup() {
        System.setProperty('hoist.cache.dir', new File(tmp, 'cache').path)
        System.setProperty('hoist.config.dir', new File(tmp, 'config').path)
    }

    def cleanup() {
        started.reverse().each { it.close() }
        started.clear()
        System.clearProperty('hoist.cache.dir')
        System.clearProperty('hoist.config.dir')
    }

    Registry registry(Registry.Variant variant = Registry.Variant.PLAIN) {
        def r = new Registry(variant)
        started << r
        r
    }

    Images images() {
        new Images(new File(tmp, 'images'))
    }

    static Hoist.Run hoist(List<String> args, Map<String, String> env = [:], String stdin = '') {
        Hoist.run(args, env, stdin)
    }
}
