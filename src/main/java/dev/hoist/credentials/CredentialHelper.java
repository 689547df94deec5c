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
        var executable = Executables.find(program, env);
        if (executable.isEmpty()) {
            log.debug("{} is not on PATH", program);
            return null;
        }
        try {
            var pb = new ProcessBuilder(executable.get().toString(), verb);
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            var p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.debug("{} {} timed out", program, verb);
                return null;
            }
            if (p.exitValue() != 0) {
                log.debug("{} {} exited {}", program, verb, p.exitValue());
                return null;
            }
            return out;
        } catch (IOException e) {
            log.debug("{} cannot run: {}", program, e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
