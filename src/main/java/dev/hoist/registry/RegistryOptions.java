package dev.hoist.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach registries.
 *
 * @param insecure accept any certificate and plain HTTP
 * @param caCert an extra CA certificate (PEM) to trust for every registry, or null
 * @param retries how many times a failed request is tried again
 * @param chunkSize upload in PATCH chunks of this many bytes; 0 uploads each blob in one PUT
 * @param connectTimeout how long to wait for a connection
 * @param maxPerRegistry requests in flight at once to one registry
 * @param certsDir per-registry TLS files the docker way, {@code certsDir/HOST[:PORT]/ca.crt},
 *                 {@code client.cert} and {@code client.key}; or null
 * @param clientCert a client certificate (PEM) for mutual TLS with every registry, or null
 * @param clientKey its private key (PEM, PKCS#8 or PKCS#1 RSA), or null
 * @param sessionsDir where upload sessions of large blobs are recorded so a later run resumes them; or null
 */
public record RegistryOptions(boolean insecure, Path caCert, int retries, long chunkSize, Duration connectTimeout,
                              int maxPerRegistry, Path certsDir, Path clientCert, Path clientKey, Path sessionsDir) {

    /** localhost and 127.0.0.0/8, which may be reached over plain HTTP as docker does. */
    public static boolean isLoopback(String host) {
        return Transport.isLoopback(host);
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(false, null, 5, 0, Duration.ofSeconds(30), 8, null, null, null, null);
    }

    /** Checks what can be checked before any connection: the CA, certificate and key files read. */
    public void validate() {
        if (caCert == null && clientCert == null && clientKey == null) {
            return;
        }
        Tls.context(insecure, caCert == null ? List.of() : List.of(caCert), clientCert, clientKey);
    }

    /**
     * Makes the TLS files given for {@code host} (CAs, client certificate) the process's default TLS
     * context, for libraries that only use that one (Jib pulling a build's base image). True when
     * there were files to install. Command-line use only: it changes the whole JVM.
     */
    public boolean installAsProcessDefault(String host) {
        var files = tlsFor(host);
        if (files.caCerts().isEmpty() && files.clientCert() == null) {
            return false;
        }
        javax.net.ssl.SSLContext.setDefault(Tls.context(files, false));
        return true;
    }

    /** The TLS files for one registry: flags first, then {@code certsDir/HOST[:PORT]/}. */
    Tls.Files tlsFor(String host) {
        var cas = new ArrayList<Path>();
        if (caCert != null) {
            cas.add(caCert);
        }
        Path cert = clientCert;
        Path key = clientKey;
        if (certsDir != null) {
            var dir = certsDir.resolve(host);
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".crt")).sorted().forEach(cas::add);
                } catch (java.io.IOException ignored) {
                    // An unreadable certs.d entry is as good as none.
                }
                if (cert == null && Files.isRegularFile(dir.resolve("client.cert")) && Files.isRegularFile(dir.resolve("client.key"))) {
                    cert = dir.resolve("client.cert");
                    key = dir.resolve("client.key");
                }
            }
        }
        return new Tls.Files(cas, cert, key);
    }
}
