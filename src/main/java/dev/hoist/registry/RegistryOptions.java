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
 */
public record RegistryOptions(boolean insecure, Path caCert, int retries, long chunkSize, Duration connectTimeout) {

    public static RegistryOptions defaults() {
        return new RegistryOptions(false, null, 5, 0, Duration.ofSeconds(30));
    }

    public RegistryOptions withInsecure(boolean value) {
        return new RegistryOptions(value, caCert, retries, chunkSize, connectTimeout);
    }
}
