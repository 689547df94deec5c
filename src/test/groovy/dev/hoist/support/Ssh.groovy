package dev.hoist.support

/**
 * The OpenSSH client against a hoist server on loopback: keys made by ssh-keygen, a known_hosts
 * file written from the server's host key file, strict host key checking, no user config.
 */
class Ssh {

    final File dir
    final int port
    final File knownHosts

    Ssh(File dir, int port, File hostKey) {
        this.dir = dir
        this.port = port
        dir.mkdirs()
        knownHosts = new File(dir, "known_hosts-${port}")
        knownHosts.text = "[127.0.0.1]:${port} ${Proc.ok(['ssh-keygen', '-y', '-f', hostKey.path]).trim()}\n"
    }

    /** A new key pair made by ssh-keygen; returns the private key file (the public one is beside it, .pub). */
    static File key(File dir, String name, String type = 'ed25519', String comment = null) {
        dir.mkdirs()
        def file = new File(dir, name)
        def args = ['ssh-keygen', '-q', '-t', type, '-N', '', '-f', file.path, '-C', comment ?: '']
        Proc.ok(args)
        file
    }

    static String publicKey(File key) {
        new File(key.path + '.pub').text.trim()
    }

    List<String> command(File key, List<String> options = [], List<String> remote = []) {
        def c = ['ssh', '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
                 '-o', "UserKnownHostsFile=${knownHosts.path}".toString(), '-o', 'ConnectTimeout=20', '-p', "${port}".toString()]
        if (key != null) {
            c += ['-o', 'IdentitiesOnly=yes', '-i', key.path]
        }
        c + options + ['127.0.0.1'] + (remote ? ['--'] + remote : [])
    }

    /** Runs {@code ssh ... 127.0.0.1 -- REMOTE...} to its end. */
    Proc.Result exec(File key, List<String> remote, String stdin = null, List<String> options = []) {
        Proc.run(command(key, options, remote), [:], null, stdin)
    }

    /** Starts ssh without waiting for it. */
    Process start(File key, List<String> remote, List<String> options = []) {
        new ProcessBuilder(command(key, options, remote)).start()
    }
}
