package dev.hoist.dsl;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.Credentials;
import dev.hoist.credentials.DockerConfig;
import dev.hoist.credentials.HoistStore;
import dev.hoist.credentials.Keyring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a registry's credentials come from, as a script says it: a user and password (each a
 * {@link Secret} or, with a warning from {@code hoist check}, a literal), a bearer token, docker's
 * and podman's logins ({@code dockerConfig()}), or hoist's own ({@code login()}). Resolved when a
 * push needs them, so a variable set after {@code hoist check} still counts.
 */
public final class CredentialRef {

    enum Kind { BASIC, BEARER, USER_PASSWORD_FILE, DOCKER_CONFIG, LOGIN }

    private final Kind kind;
    private final Secret user;
    private final Secret secret;

    CredentialRef(Kind kind, Secret user, Secret secret) {
        this.kind = kind;
        this.user = user;
        this.secret = secret;
    }

    boolean kindIs(Kind k) {
        return kind == k;
    }

    Secret user() {
        return user;
    }

    Secret secret() {
        return secret;
    }

    /** What is not set yet (a variable, a file), one line each; empty when everything can be read. */
    List<String> unset(Map<String, String> env) {
        var out = new ArrayList<String>();
        for (var s : new Secret[]{user, secret}) {
            if (s != null && s.value(env) == null) {
                out.add(s.missing());
            }
        }
        return out;
    }

    boolean literal() {
        return (user != null && secret != null && secret.kind() == Secret.Kind.LITERAL)
                || (kind == Kind.BEARER && secret.kind() == Secret.Kind.LITERAL);
    }

    /** The credentials for {@code host}, read now; null when the store named has none for it. */
    Credentials resolve(String host, Map<String, String> env) {
        if (kind == Kind.BASIC && (user == null || secret == null)) {
            throw new HoistException(host + ": " + (user == null ? "a password needs a username" : "a username needs a password"),
                    HoistException.Kind.USAGE);
        }
        var missing = unset(env);
        if (!missing.isEmpty()) {
            throw new HoistException(host + ": " + String.join(", ", missing), HoistException.Kind.USAGE);
        }
        return switch (kind) {
            case BASIC -> Credentials.basic(user.value(env), secret.value(env), "script " + user + "/" + secret);
            case BEARER -> Credentials.bearer(secret.value(env), "script " + secret);
            case USER_PASSWORD_FILE -> {
                var text = secret.value(env);
                int colon = text.indexOf(':');
                if (colon <= 0) {
                    throw new HoistException(host + ": " + secret + " should hold USER:PASSWORD on one line", HoistException.Kind.USAGE);
                }
                yield Credentials.basic(text.substring(0, colon), text.substring(colon + 1), "script " + secret);
            }
            case DOCKER_CONFIG -> new DockerConfig(env).lookup(host).orElse(null);
            case LOGIN -> new HoistStore(Dirs.config(), new Keyring(env)).lookup(host).orElse(null);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case BASIC -> "username " + user + ", password " + secret;
            case BEARER -> "token " + secret;
            case USER_PASSWORD_FILE -> "credentials " + secret;
            case DOCKER_CONFIG -> "dockerConfig()";
            case LOGIN -> "login()";
        };
    }
}
