package dev.hoist.credentials;

import java.util.Map;
import java.util.Optional;

/**
 * Credentials from the environment: {@code HOIST_USERNAME}/{@code HOIST_PASSWORD} (or
 * {@code HOIST_TOKEN}), {@code GITEA_USERNAME}/{@code GITEA_PASSWORD}, and
 * {@code IDPBUILDER_REGISTRY_USERNAME}/{@code _PASSWORD} (or {@code _TOKEN}), in that order.
 */
public final class EnvCredentials implements CredentialSource {

    private final Map<String, String> env;

    public EnvCredentials(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "environment";
    }

    @Override
    public Optional<Credentials> lookup(String registry) {
        var found = fromEnv("HOIST_USERNAME", "HOIST_PASSWORD", "HOIST_TOKEN");
        if (found == null) {
            found = fromEnv("GITEA_USERNAME", "GITEA_PASSWORD", null);
        }
        if (found == null) {
            found = fromEnv("IDPBUILDER_REGISTRY_USERNAME", "IDPBUILDER_REGISTRY_PASSWORD", "IDPBUILDER_REGISTRY_TOKEN");
        }
        return Optional.ofNullable(found);
    }

    private Credentials fromEnv(String userVar, String passwordVar, String tokenVar) {
        var user = env.get(userVar);
        var password = env.get(passwordVar);
        if (user != null && !user.isEmpty() && password != null && !password.isEmpty()) {
            return Credentials.basic(user, password, "$" + userVar + "/$" + passwordVar);
        }
        var token = tokenVar == null ? null : env.get(tokenVar);
        if (token != null && !token.isEmpty() && user != null && !user.isEmpty()) {
            // Gitea and most registries take a token as the password of a Basic login.
            return Credentials.basic(user, token, "$" + userVar + "/$" + tokenVar);
        }
        if (token != null && !token.isEmpty()) {
            return Credentials.bearer(token, "$" + tokenVar);
        }
        return null;
    }
}
