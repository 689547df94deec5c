package dev.hoist.engine;

import dev.hoist.credentials.CredentialStore;
import dev.hoist.image.ImageRef;
import dev.hoist.registry.RegistryClient;
import dev.hoist.registry.RegistryOptions;
import dev.hoist.registry.Retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link RegistryClient} per registry host for a run, with the run's (or the registry's own) credentials and TLS settings. */
public final class Registries implements AutoCloseable {

    private final CredentialStore credentials;
    private final RegistryOptions options;
    private final RegistrySettings perRegistry;
    private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();
    /** Each layout directory's index.json, written together at the end of a run rather than once per manifest. */
    private final Map<java.nio.file.Path, LayoutIndex> layouts = new ConcurrentHashMap<>();
    private final java.util.List<Retry.Listener> retryListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Registries(CredentialStore credentials, RegistryOptions options) {
        this(credentials, options, RegistrySettings.NONE);
    }

    /** With settings of its own for some registries (a plan's), over the run's options and credentials. */
    public Registries(CredentialStore credentials, RegistryOptions options, RegistrySettings perRegistry) {
        this.credentials = perRegistry.over(credentials);
        this.options = options;
        this.perRegistry = perRegistry;
    }

    void addRetryListener(Retry.Listener listener) {
        retryListeners.add(listener);
    }

    void removeRetryListener(Retry.Listener listener) {
        retryListeners.remove(listener);
    }

    /** Where a target goes: a registry repository, or an OCI layout when the registry is {@code oci:DIR}. */
    Destination destination(ImageRef target) {
        if (target.registry().startsWith("oci:")) {
            var dir = java.nio.file.Path.of(target.registry().substring(4));
            return new LayoutDestination(dir, target.repository(), layouts.computeIfAbsent(dir, LayoutIndex::new));
        }
        return new RegistryDestination(client(target.registry()), target.repository());
    }

    /** Closes every client: their threads end, so a long-lived process (the shell) does not gather them. */
    @Override
    public void close() {
        clients.values().forEach(RegistryClient::close);
        clients.clear();
    }

    public RegistryClient client(String host) {
        return clients.computeIfAbsent(host, h -> new RegistryClient(h, credentials.lookup(h), perRegistry.optionsFor(h, options), new Retry.Listener() {
            @Override
            public void retrying(int attempt, java.time.Duration delay, String reason) {
                retryListeners.forEach(l -> l.retrying(attempt, delay, reason));
            }

            @Override
            public void retrying(int attempt, java.time.Duration delay, dev.hoist.registry.RegistryException failure) {
                retryListeners.forEach(l -> l.retrying(attempt, delay, failure));
            }

            @Override
            public boolean stopped() {
                return retryListeners.stream().anyMatch(Retry.Listener::stopped);
            }
        }));
    }
}
