package dev.hoist.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoist.image.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Logins docker, podman and skopeo already made: {@code auths} entries (base64 {@code auth},
 * identity tokens), {@code credHelpers} and {@code credsStore} through the
 * {@code docker-credential-NAME} helper protocol. Files, first found wins:
 * {@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json},
 * {@code $DOCKER_CONFIG/config.json} (default {@code ~/.docker/config.json}).
 */
public final class DockerConfig implements CredentialSource {

    private static final Logger log = LoggerFactory.getLogger(DockerConfig.class);

    private final List<Path> files;
    private final Map<String, String> env;

    public DockerConfig(Map<String, String> env) {
        this.env = env;
        this.files = files(env);
    }

    static List<Path> files(Map<String, String> env) {
        var out = new ArrayList<Path>();
        if (env.get("REGISTRY_AUTH_FILE") != null) {
            out.add(Path.of(env.get("REGISTRY_AUTH_FILE")));
        }
        if (env.get("XDG_RUNTIME_DIR") != null) {
            out.add(Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json"));
        }
        var dockerConfig = env.get("DOCKER_CONFIG");
        out.add(dockerConfig != null ? Path.of(dockerConfig, "config.json")
                : dev.hoist.Dirs.home(env).resolve(".docker").resolve("config.json"));
        return out;
    }

    @Override
    public String name() {
        return "docker config";
    }

    @Override
    public Optional<Credentials> lookup(String registry) {
        for (var file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode config;
            try {
                config = Json.parse(Files.readAllBytes(file), file.toString());
            } catch (IOException | RuntimeException e) {
                log.debug("skipping {}: {}", file, e.getMessage());
                continue;
            }
            var found = lookup(config, registry, file);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<Credentials> lookup(JsonNode config, String registry, Path file) {
        var helpers = config.get("credHelpers");
        if (helpers != null && helpers.isObject()) {
            var it = helpers.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (host(e.getKey()).equals(registry)) {
                    return CredentialHelper.get(e.getValue().asText(), registry, env);
                }
            }
        }
        var auths = config.get("auths");
        if (auths != null && auths.isObject()) {
            var it = auths.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!host(e.getKey()).equals(registry)) {
                    continue;
                }
                var entry = e.getValue();
                var auth = Json.text(entry, "auth");
                var identity = Json.text(entry, "identitytoken");
                if (auth != null && !auth.isEmpty()) {
                    var pair = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
                    int colon = pair.indexOf(':');
                    if (colon > 0) {
                        var user = pair.substring(0, colon);
                        var secret = pair.substring(colon + 1);
                        if (identity != null && !identity.isEmpty()) {
                            return Optional.of(Credentials.identityToken(user, identity, file.toString()));
                        }
                        return Optional.of(Credentials.basic(user, secret, file.toString()));
                    }
                }
                if (identity != null && !identity.isEmpty()) {
                    return Optional.of(Credentials.identityToken(null, identity, file.toString()));
                }
                var user = Json.text(entry, "username");
                var password = Json.text(entry, "password");
                if (user != null && password != null) {
                    return Optional.of(Credentials.basic(user, password, file.toString()));
                }
            }
        }
        var store = Json.text(config, "credsStore");
        if (store != null && !store.isEmpty()) {
            return CredentialHelper.get(store, registry, env);
        }
        return Optional.empty();
    }

    /** Registry to where docker, podman or a helper keeps its login; never the secret. */
    public Map<String, String> list() {
        var out = new java.util.LinkedHashMap<String, String>();
        for (var file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                var config = Json.parse(Files.readAllBytes(file), file.toString());
                var store = Json.text(config, "credsStore");
                var helpers = config.get("credHelpers");
                if (helpers != null && helpers.isObject()) {
                    helpers.fields().forEachRemaining(e -> out.putIfAbsent(host(e.getKey()),
                            "credential helper docker-credential-" + e.getValue().asText() + " (" + file + ")"));
                }
                var auths = config.get("auths");
                if (auths != null && auths.isObject()) {
                    auths.fields().forEachRemaining(e -> out.putIfAbsent(host(e.getKey()),
                            e.getValue().has("auth") || e.getValue().has("identitytoken") ? file.toString()
                                    : store != null ? "credential helper docker-credential-" + store + " (" + file + ")" : file.toString()));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("skipping {}: {}", file, e.getMessage());
            }
        }
        return out;
    }

    /** {@code https://host:5000/v1/} and {@code host:5000} name the same registry. */
    static String host(String key) {
        var k = key.toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "");
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
            return "docker.io";
        }
        return k;
    }
}
