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
        var out = Programs.run("idpbuilder", java.util.List.of("get", "secrets", "-p", "gitea", "-o", "json"), null, env, 60);
        if (out == null) {
            return Optional.empty();
        }
        try {
            return credentials(Json.MAPPER.readTree(out));
        } catch (IOException e) {
            log.debug("idpbuilder gave no JSON");
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
