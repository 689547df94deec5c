package dev.hoist.credentials;

import java.util.Optional;

/** One place credentials may live: the environment, hoist's store, docker's config, idpbuilder. */
public interface CredentialSource {

    /** A short name for {@code -v} logs and {@code login --list}, never a secret. */
    String name();

    Optional<Credentials> lookup(String registry);
}
