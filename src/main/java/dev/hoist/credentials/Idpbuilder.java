package dev.hoist.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoist.image.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * idpbuilder's Gitea: for {@code gitea.cnoe.localtest.me} hosts, when {@code idpbuilder} is on
 * PATH, the admin login from {@code idpbuilder get secrets -p gitea -o json}.
 */
public final class Idpbuilder implements CredentialSource {

    private static final Logger log = LoggerFactory.getLogger(Idpbuilder.class);
    static final String HOST = "gitea.cnoe.localtest.me";

    private final Map<String, String> env;

    public Idpbuilder(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "idpbuilder";
    }

    @Override
    public Optional<Credentials> lookup(String registry) {
        if (!registry.equals(HOST) && !registry.startsWith(HOST + ":")) {
            return Optional.empty();
        }
        var program = Executables.find("idpbuilder", env);
        if (program.isEmpty()) {
            return Optional.empty();
        }
        try {
            var pb = new ProcessBuilder(program.get().toString(), "get", "secrets", "-p", "gitea", "-o", "json");
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            var p = pb.start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                log.debug("idpbuilder get secrets failed");
                return Optional.empty();
            }
            var node = Json.MAPPER.readTree(new String(out, StandardCharsets.UTF_8));
            return credentials(node);
        } catch (IOException e) {
            log.debug("idpbuilder gave no usable answer: {}", e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Takes the first secret with a username and password, wherever idpbuilder's JSON puts them. */
    private static Optional<Credentials> credentials(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isArray()) {
            for (var element : node) {
                var found = credentials(element);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        var data = node.has("data") ? node.get("data") : node;
        var user = Json.text(data, "username");
        var password = Json.text(data, "password");
        if (user != null && password != null && !password.isEmpty()) {
            return Optional.of(Credentials.basic(user, password, "idpbuilder get secrets"));
        }
        return Optional.empty();
    }
}
