package dev.hoist.credentials;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Credentials in the order a user expects, first match wins: explicit flags, the environment,
 * hoist's own store ({@code hoist login}), docker's and podman's config with credential helpers,
 * idpbuilder, then anonymous. At {@code -v} it says which source answered, never the secret.
 */
public final class CredentialChain implements CredentialStore {

    private static final Logger log = LoggerFactory.getLogger(CredentialChain.class);

    private final Credentials flags;
    private final List<CredentialSource> sources;
    /** Registries the flags and the environment speak for; null for any. */
    private final java.util.Set<String> scope;
    private final Map<String, Credentials> found = new java.util.concurrent.ConcurrentHashMap<>();

    public CredentialChain(Credentials flags, List<CredentialSource> sources) {
        this(flags, sources, null);
    }

    private CredentialChain(Credentials flags, List<CredentialSource> sources, java.util.Set<String> scope) {
        this.flags = flags;
        this.sources = List.copyOf(sources);
        this.scope = scope;
    }

    /**
     * The same chain, with the flags and the environment answering only for these registries (the
     * command's targets), so a password meant for one registry never goes to another, such as the
     * registry of a base image.
     */
    public CredentialChain forRegistries(java.util.Collection<String> registries) {
        return new CredentialChain(flags, sources, java.util.Set.copyOf(registries));
    }

    private boolean inScope(String registry) {
        return scope == null || scope.contains(registry);
    }

    /** The standard chain for an environment and config directory. */
    public static CredentialChain standard(Credentials flags, Map<String, String> env, java.nio.file.Path configDir) {
        return new CredentialChain(flags, List.of(new EnvCredentials(env), new HoistStore(configDir, new Keyring(env)),
                new DockerConfig(env), new Idpbuilder(env)));
    }

    /** Asks each source once per registry; later lookups of the same registry get the same answer. */
    @Override
    public Credentials lookup(String registry) {
        return found.computeIfAbsent(registry, this::find);
    }

    private Credentials find(String registry) {
        if (flags != null && !flags.isAnonymous() && inScope(registry)) {
            log.debug("credentials for {}: {}", registry, flags);
            return flags;
        }
        for (var source : sources) {
            if (source instanceof EnvCredentials && !inScope(registry)) {
                continue;
            }
            var found = source.lookup(registry);
            if (found.isPresent()) {
                log.debug("credentials for {}: {}", registry, found.get());
                return found.get();
            }
        }
        log.debug("credentials for {}: anonymous", registry);
        return Credentials.ANONYMOUS;
    }
}
