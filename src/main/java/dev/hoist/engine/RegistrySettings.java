package dev.hoist.engine;

import dev.hoist.credentials.CredentialStore;
import dev.hoist.credentials.Credentials;
import dev.hoist.registry.RegistryOptions;

import java.util.Map;

/**
 * How to reach each registry of a plan where it differs from the run's defaults: TLS files,
 * insecure, request limit, chunk size, retries and credentials, per host. A script names a plain
 * mirror and a TLS registry with its own CA and login in one plan; the command line gives none
 * and every registry gets the run's options and credential chain.
 *
 * @param options per registry host ({@code HOST[:PORT]}), options replacing the run's
 * @param credentials per registry host, credentials used instead of asking the run's chain
 */
public record RegistrySettings(Map<String, RegistryOptions> options, Map<String, Credentials> credentials) {

    public static final RegistrySettings NONE = new RegistrySettings(Map.of(), Map.of());

    public RegistrySettings {
        options = Map.copyOf(options);
        credentials = Map.copyOf(credentials);
    }

    /** The options for one registry: its own, else the run's. */
    public RegistryOptions optionsFor(String host, RegistryOptions fallback) {
        return options.getOrDefault(host, fallback);
    }

    /** A store answering with the registry's own credentials first, then the run's chain. */
    public CredentialStore over(CredentialStore fallback) {
        if (credentials.isEmpty()) {
            return fallback;
        }
        return host -> {
            var own = credentials.get(host);
            return own != null ? own : fallback.lookup(host);
        };
    }
}
