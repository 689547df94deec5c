package dev.hoist.credentials;

import java.util.Map;

/**
 * Credentials in the order a user expects: explicit flags first, then the environment
 * ({@code HOIST_*}, {@code GITEA_*}, {@code IDPBUILDER_REGISTRY_*}), then anonymous.
 */
public final class CredentialChain implements CredentialStore {

    private final Credentials flags;
    private final Map<String, String> env;

    public CredentialChain(Credentials flags, Map<String, String> env) {
        this.flags = flags;
        this.env = env;
    }

    @Override
    public Credentials lookup(String registry) {
        if (flags != null && !flags.isAnonymous()) {
            return flags;
        }
        var fromEnv = fromEnv("HOIST_USERNAME", "HOIST_PASSWORD", "HOIST_TOKEN");
        if (fromEnv == null) {
            fromEnv = fromEnv("GITEA_USERNAME", "GITEA_PASSWORD", null);
        }
        if (fromEnv == null) {
            fromEnv = fromEnv("IDPBUILDER_REGISTRY_USERNAME", "IDPBUILDER_REGISTRY_PASSWORD", "IDPBUILDER_REGISTRY_TOKEN");
        }
        return fromEnv != null ? fromEnv : Credentials.ANONYMOUS;
    }

    private Credentials fromEnv(String userVar, String passwordVar, String tokenVar) {
        var user = env.get(userVar);
        var password = env.get(passwordVar);
        if (user != null && !user.isEmpty() && password != null) {
            return Credentials.basic(user, password, "$" + userVar + "/$" + passwordVar);
        }
        var token = tokenVar == null ? null : env.get(tokenVar);
        if (token != null && !token.isEmpty() && user != null && !user.isEmpty()) {
            // Gitea and most registries take a token as the password of a Basic login.
            return Credentials.basic(user, token, "$" + userVar + "/$" + tokenVar);
        }
        if (token != null && !token.isEmpty()) {
            return new Credentials(null, null, token, "$" + tokenVar);
        }
        return null;
    }
}
