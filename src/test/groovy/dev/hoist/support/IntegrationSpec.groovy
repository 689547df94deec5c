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

    Registry registry(Registry.Variant variant = Registry.Variant.PLAIN, String extraConfig = '') {
        def r = new Registry(variant, extraConfig)
        started << r
        r
    }

    Images images() {
        new Images(new File(tmp, 'images'))
    }

    /**
     * Runs hoist in-process. Unless the feature gives its own, the environment holds only PATH and
     * a DOCKER_CONFIG of the feature's own, so no login of the machine's user leaks in.
     */
    Hoist.Run hoist(List<String> args, Map<String, String> env = [:], String stdin = '') {
        def base = [PATH: System.getenv('PATH'), DOCKER_CONFIG: new File(tmp, 'docker-config').path]
        Hoist.run(args, base + env, stdin)
    }
}
