package dev.hoist.credentials;

/** Finds the credentials to use for a registry host; the chain of sources sits behind this. */
@FunctionalInterface
public interface CredentialStore {

    Credentials lookup(String registry);

    static CredentialStore anonymous() {
        return registry -> Credentials.ANONYMOUS;
    }
}
