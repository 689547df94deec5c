package dev.hoist.credentials;

import dev.hoist.image.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The docker credential helper protocol: {@code docker-credential-NAME get} reads the server on
 * stdin and prints {@code {"ServerURL","Username","Secret"}}; a Username of {@code <token>} means
 * the secret is an identity token. Also {@code store} and {@code erase}, for {@code hoist login}.
 */
final class CredentialHelper {

    private static final Logger log = LoggerFactory.getLogger(CredentialHelper.class);

    private CredentialHelper() {
    }

    static Optional<Credentials> get(String helper, String registry, Map<String, String> env) {
        var program = "docker-credential-" + helper;
        try {
            var result = run(program, "get", registry, env);
            if (result == null) {
                return Optional.empty();
            }
            var node = Json.parse(result.getBytes(StandardCharsets.UTF_8), program + " output");
            var user = Json.text(node, "Username");
            var secret = Json.text(node, "Secret");
            if (secret == null || secret.isEmpty()) {
                return Optional.empty();
            }
            var source = "credential helper " + program;
            if ("<token>".equals(user)) {
                return Optional.of(Credentials.identityToken(null, secret, source));
            }
            return Optional.of(Credentials.basic(user, secret, source));
        } catch (RuntimeException e) {
            log.debug("{} gave no usable answer: {}", program, e.getMessage());
            return Optional.empty();
        }
    }

    /** Runs a helper command; null when it says the credentials are not there or cannot run. */
    static String run(String program, String verb, String input, Map<String, String> env) {
        return Programs.run(program, java.util.List.of(verb), input, env, 30);
    }
}
