package dev.hoist.registry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach registries.
 *
 * @param insecure accept any certificate and plain HTTP
 * @param caCert an extra CA certificate (PEM) to trust, or null
 * @param retries how many times a failed request is tried again
 * @param chunkSize upload in PATCH chunks of this many bytes; 0 uploads each blob in one PUT
 * @param connectTimeout how long to wait for a connection
 * @param maxPerRegistry requests in flight at once to one registry
 */
public record RegistryOptions(boolean insecure, Path caCert, int retries, long chunkSize, Duration connectTimeout,
                              int maxPerRegistry) {

    /** Checks what can be checked before any connection: the CA file reads as certificates. */
    public void validate() {
        Tls.context(insecure, caCert);
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(false, null, 5, 0, Duration.ofSeconds(30), 8);
    }
}
