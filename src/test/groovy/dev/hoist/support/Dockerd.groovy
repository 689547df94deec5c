package dev.hoist.support

import org.opentest4j.TestAbortedException

import java.nio.file.Files

/**
 * A real dockerd of the test run's own (vfs storage, no networking, its own data root, exec root
 * and unix socket), started once on first use and stopped when the JVM exits. Specs make their
 * images with {@code docker load}: nothing can be pulled here.
 */
class Dockerd {

    private static Dockerd instance

    final File dir
    final File socket
    private final Process process

    static synchronized Dockerd get() {
        if (instance == null) {
            if (!Prereqs.onPath('dockerd') || !Prereqs.onPath('docker')) {
                def message = 'daemon specs need dockerd and docker (scripts/test installs docker.io on Debian)'
                if (System.getenv('CI') == 'true') {
                    throw new AssertionError('CI=true but ' + message)
                }
                System.err.println('SKIPPED: ' + message)
                throw new TestAbortedException(message)
            }
            instance = new Dockerd()
            Runtime.runtime.addShutdownHook(new Thread({ instance.stop() }))
        }
        instance
    }

    private Dockerd() {
        dir = Files.createTempDirectory('hoist-dockerd').toFile()
        socket = new File(dir, 'docker.sock')
        def log = new File(dir, 'dockerd.log')
        process = new ProcessBuilder('dockerd', '--iptables=false', '--ip6tables=false', '--bridge=none',
                '--storage-driver=vfs', '--data-root', new File(dir, 'data').path, '--exec-root', new File(dir, 'exec').path,
                '--pidfile', new File(dir, 'dockerd.pid').path, '-H', "unix://${socket.path}".toString())
                .redirectErrorStream(true).redirectOutput(log).start()
        long deadline = System.currentTimeMillis() + 60_000
        while (System.currentTimeMillis() < deadline) {
            if (!process.alive) {
                throw new IllegalStateException("dockerd exited: ${log.text}")
            }
            if (socket.exists() && Proc.run(['docker', 'version'], env()).exit == 0) {
                return
            }
            Thread.sleep(200)
        }
        throw new IllegalStateException("dockerd did not start: ${log.text}")
    }

    Map<String, String> env() {
        [DOCKER_HOST: "unix://${socket.path}".toString()]
    }

    String docker(List<String> args) {
        Proc.ok(['docker'] + args, env())
    }

    /** Loads a docker-save archive; returns the image IDs docker reports. */
    void load(File archive) {
        docker(['load', '-i', archive.path])
    }

    String imageId(String ref) {
        docker(['image', 'inspect', '--format', '{{.Id}}', ref]).trim()
    }

    void stop() {
        process.destroy()
        process.waitFor()
        // vfs leaves read-only copies behind only as root-owned files; removing the tree is enough.
        dir.deleteDir()
    }
}
