package dev.hoist.support

import org.opentest4j.TestAbortedException

/**
 * The real programs the integration specs need. With CI=true a missing one fails the run;
 * elsewhere the specs that need it are skipped with a message saying what to install.
 */
class Prereqs {

    static final List<String> TOOLS = ['docker-registry', 'skopeo', 'openssl', 'htpasswd', 'tar', 'gzip', 'zstd']

    static List<String> missing(List<String> tools = TOOLS) {
        tools.findAll { !onPath(it) }
    }

    static boolean onPath(String tool) {
        System.getenv('PATH').split(File.pathSeparator).any { new File(it, tool).canExecute() }
    }

    static void require(List<String> tools = TOOLS) {
        def absent = missing(tools)
        if (absent.isEmpty()) {
            return
        }
        def message = "integration specs need ${absent.join(', ')} (scripts/test installs them on Debian)"
        if (System.getenv('CI') == 'true') {
            throw new AssertionError("CI=true but " + message)
        }
        System.err.println("SKIPPED: " + message)
        throw new TestAbortedException(message)
    }
}
