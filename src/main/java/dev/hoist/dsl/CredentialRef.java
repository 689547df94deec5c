package dev.hoist.dsl;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.Credentials;
import dev.hoist.credentials.DockerConfig;
import dev.hoist.credentials.HoistStore;
import dev.hoist.credentials.Idpbuilder;
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

    enum Kind { BASIC, BEARER, USER_PASSWORD_FILE, DOCKER_CONFIG, LOGIN, IDPBUILDER, FIRST_OF }

    private final Kind kind;
    private final Secret user;
    private final Secret secret;
    private final List<CredentialRef> choices;

    CredentialRef(Kind kind, Secret user, Secret secret) {
        this.kind = kind;
        this.user = user;
        this.secret = secret;
        this.choices = List.of();
    }

    /** The first of these that can be read: {@code credentials env('U', 'P'), idpbuilder()}. */
    static CredentialRef firstOf(List<CredentialRef> choices) {
        return choices.size() == 1 ? choices.get(0) : new CredentialRef(choices);
    }

    private CredentialRef(List<CredentialRef> choices) {
        this.kind = Kind.FIRST_OF;
        this.user = null;
        this.secret = null;
        this.choices = List.copyOf(choices);
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
        if (kind == Kind.FIRST_OF) {
            // Only worth a word when no choice can be read.
            for (var c : choices) {
                var missing = c.unset(env);
                if (missing.isEmpty()) {
                    return List.of();
                }
                out.addAll(missing);
            }
            return out;
        }
        for (var s : new Secret[]{user, secret}) {
            if (s != null && s.value(env) == null) {
                out.add(s.missing());
            }
        }
        return out;
    }

    boolean literal() {
        if (kind == Kind.FIRST_OF) {
            return choices.stream().anyMatch(CredentialRef::literal);
        }
        return (user != null && secret != null && secret.kind() == Secret.Kind.LITERAL)
                || (kind == Kind.BEARER && secret.kind() == Secret.Kind.LITERAL);
    }

    /** The credentials for {@code host}, read now; null when the store named has none for it. */
    Credentials resolve(String host, Map<String, String> env) {
        if (kind == Kind.FIRST_OF) {
            var tried = new ArrayList<String>();
            for (var c : choices) {
                var missing = c.unset(env);
                if (!missing.isEmpty()) {
                    tried.addAll(missing);
                    continue;
                }
                var found = c.resolve(host, env);
                if (found != null) {
                    return found;
                }
                tried.add(c + " has none");
            }
            throw new HoistException(host + ": no credentials: " + String.join(", ", tried), HoistException.Kind.USAGE);
        }
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
            case IDPBUILDER -> new Idpbuilder(env).lookup(host).orElse(null);
            case FIRST_OF -> throw new IllegalStateException("resolved above");
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
            case IDPBUILDER -> "idpbuilder()";
            case FIRST_OF -> String.join(" or ", choices.stream().map(Object::toString).toList());
        };
    }
}
