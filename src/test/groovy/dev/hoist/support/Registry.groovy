package dev.hoist.support

import groovy.json.JsonSlurper

import java.nio.file.Files
import java.security.MessageDigest

/**
 * A real {@code docker-registry serve} (distribution) on a free loopback port with fresh storage,
 * in one of four variants: plain HTTP, TLS with a CA made at test time, htpasswd basic auth, or
 * token auth against {@link TokenServer}. Stop it with {@link #close()}.
 */
class Registry implements Closeable {

    /** TLS_BASIC: TLS with a CA made at test time and htpasswd basic auth, as idpbuilder's Gitea. */
    enum Variant { PLAIN, TLS, BASIC, TOKEN, MTLS, TLS_BASIC }

    static final String USER = 'hoister'
    static final String PASSWORD = 's3cr3t-Pa55-hoist'

    final Variant variant
    final File dir
    final int port
    Certs certs
    TokenServer tokens
    private Process process
    private final File log

    /** {@code extraConfig}: more of distribution's YAML, e.g. a {@code validation:} section. */
    Registry(Variant variant = Variant.PLAIN, String extraConfig = '') {
        this.variant = variant
        dir = Files.createTempDirectory('hoist-registry').toFile()
        port = freePort()
        log = new File(dir, 'registry.log')
        def auth = ''
        def tls = ''
        switch (variant) {
            case Variant.TLS:
            case Variant.MTLS:
            case Variant.TLS_BASIC:
                certs = new Certs(new File(dir, 'certs'))
                tls = """
  tls:
    certificate: ${certs.serverCert.path}
    key: ${certs.serverKey.path}"""
                if (variant == Variant.MTLS) {
                    tls += """
    clientcas:
      - ${certs.caCert.path}"""
                }
                if (variant == Variant.TLS_BASIC) {
                    auth = htpasswd()
                }
                break
            case Variant.BASIC:
                auth = htpasswd()
                break
            case Variant.TOKEN:
                tokens = new TokenServer(new File(dir, 'token'), USER, PASSWORD)
                auth = """
auth:
  token:
    realm: ${tokens.realm}
    service: ${TokenServer.SERVICE}
    issuer: ${TokenServer.ISSUER}
    rootcertbundle: ${tokens.certFile.path}"""
                break
        }
        config = new File(dir, 'config.yml')
        config.text = """version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${new File(dir, 'data').path}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}${tls}
${auth}
${extraConfig}
"""
        start()
    }

    private File config

    /** The auth section for htpasswd basic auth of {@link #USER}. */
    private String htpasswd() {
        def htpasswd = new File(dir, 'htpasswd')
        Proc.ok(['htpasswd', '-Bbc', htpasswd.path, USER, PASSWORD])
        """
auth:
  htpasswd:
    realm: hoist-test
    path: ${htpasswd.path}"""
    }

    /** Starts the registry process (again), on the same port and storage. */
    void start() {
        process = new ProcessBuilder('docker-registry', 'serve', config.path)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start()
        waitUntilUp()
    }

    /** Kills the registry process, as a crash would. */
    void kill() {
        process.destroyForcibly()
        process.waitFor()
    }

    String getHost() {
        "127.0.0.1:${port}"
    }

    /** skopeo flags to read from this registry. */
    List<String> skopeoFlags() {
        def flags = []
        if (variant == Variant.TLS || variant == Variant.MTLS || variant == Variant.TLS_BASIC) {
            flags += ['--tls-verify=true', '--cert-dir', certDirForSkopeo().path]
        } else {
            flags << '--tls-verify=false'
        }
        if (variant == Variant.BASIC || variant == Variant.TOKEN || variant == Variant.TLS_BASIC) {
            flags += ['--creds', "${USER}:${PASSWORD}".toString()]
        }
        flags
    }

    private File certDirForSkopeo() {
        def d = new File(dir, 'skopeo-certs')
        d.mkdirs()
        new File(d, 'ca.crt').bytes = certs.caCert.bytes
        if (variant == Variant.MTLS) {
            new File(d, 'client.cert').bytes = certs.clientCert.bytes
            new File(d, 'client.key').bytes = certs.clientKey.bytes
        }
        d
    }

    /** The raw manifest under a reference, read back by skopeo. */
    byte[] rawManifest(String repository, String reference) {
        def sep = reference.startsWith('sha256:') ? '@' : ':'
        def pb = new ProcessBuilder(['skopeo', 'inspect', '--raw'] + skopeoFlags() + ["docker://${host}/${repository}${sep}${reference}".toString()])
        def p = pb.start()
        def bytes = p.inputStream.bytes
        def err = p.errorStream.text
        if (p.waitFor() != 0) {
            throw new IllegalStateException("skopeo inspect ${repository}:${reference} failed: ${err}")
        }
        bytes
    }

    String manifestDigest(String repository, String reference) {
        sha256(rawManifest(repository, reference))
    }

    Map manifest(String repository, String reference) {
        new JsonSlurper().parse(rawManifest(repository, reference)) as Map
    }

    /** Whether the registry holds a tag, asked with skopeo (so it works for every variant). */
    boolean hasTag(String repository, String tag) {
        def r = Proc.run(['skopeo', 'list-tags'] + skopeoFlags() + ["docker://${host}/${repository}".toString()])
        if (r.exit != 0) {
            // A repository with no tag is unknown to the registry; anything else is a broken check.
            if (r.err.contains('name unknown') || r.err.contains('NAME_UNKNOWN') || r.err.contains('404 (Not Found)')) {
                return false
            }
            throw new IllegalStateException("skopeo list-tags ${repository} failed: ${r.err}")
        }
        ((new JsonSlurper().parseText(r.out) as Map).Tags ?: []).contains(tag)
    }

    /** Copies an image out with skopeo, which verifies every blob's digest on the way. */
    File copyOut(String repository, String reference, File into) {
        def sep = reference.startsWith('sha256:') ? '@' : ':'
        def src = ['skopeo', 'copy', '-q', '--all'] + skopeoFlags().collect { it.startsWith('--tls') ? '--src-' + it.substring(2) : it == '--creds' ? '--src-creds' : it == '--cert-dir' ? '--src-cert-dir' : it }
        Proc.ok(src + ["docker://${host}/${repository}${sep}${reference}".toString(), "oci:${into.path}:x".toString()])
        into
    }

    /** Counts requests the registry logged, e.g. blob upload starts, from its own log. */
    int countRequests(String method, String pathPart) {
        log.readLines().count { it.contains('response completed') && it.contains("http.request.method=${method}") && it.contains(pathPart) } as int
    }

    static String sha256(byte[] bytes) {
        'sha256:' + MessageDigest.getInstance('SHA-256').digest(bytes).encodeHex().toString()
    }

    private void waitUntilUp() {
        long deadline = System.currentTimeMillis() + 15_000
        while (System.currentTimeMillis() < deadline) {
            if (!process.alive) {
                throw new IllegalStateException("docker-registry exited: ${log.text}")
            }
            try {
                new Socket('127.0.0.1', port).close()
                return
            } catch (IOException ignored) {
                Thread.sleep(50)
            }
        }
        throw new IllegalStateException("docker-registry did not start: ${log.text}")
    }

    static int freePort() {
        new ServerSocket(0, 0, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    }

    String getLogText() {
        log.text
    }

    @Override
    void close() {
        process?.destroy()
        process?.waitFor()
        tokens?.close()
        dir.deleteDir()
    }
}
