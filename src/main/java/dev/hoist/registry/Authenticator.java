package dev.hoist.registry;

import dev.hoist.credentials.Credentials;
import dev.hoist.image.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers a registry's challenge: Basic with the credentials, or Bearer with a token from the
 * realm (asked with GET, as Gitea requires), cached per scope and renewed on expiry or 401.
 */
final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    private static final Duration EARLY = Duration.ofSeconds(10);

    private record Token(String value, Instant expires) {
        boolean fresh() {
            return Instant.now().plus(EARLY).isBefore(expires);
        }

        @Override
        public String toString() {
            return "Token[redacted]";
        }
    }

    private final Transport transport;
    private final Credentials credentials;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private volatile Challenge challenge;

    Authenticator(Transport transport, Credentials credentials) {
        this.transport = transport;
        this.credentials = credentials;
    }

    /** Takes the challenge from a 401, if it carries one; returns whether there is one to answer. */
    boolean learn(HttpResponse<?> response) {
        var header = response.headers().allValues("WWW-Authenticate");
        for (var value : header) {
            for (var c : Challenge.parse(value)) {
                if (c.isBearer() || c.isBasic()) {
                    challenge = c;
                    return true;
                }
            }
        }
        return false;
    }

    boolean challenged() {
        return challenge != null;
    }

    /** The Authorization header for requests in these scopes, or null when none is needed. */
    String header(List<String> scopes) throws IOException {
        var c = challenge;
        if (c == null) {
            return null;
        }
        if (c.isBasic()) {
            return credentials.hasPassword() ? credentials.basicHeader() : null;
        }
        if (credentials.token() != null) {
            return "Bearer " + credentials.token();
        }
        var key = String.join(" ", scopes);
        var token = tokens.get(key);
        if (token != null && token.fresh()) {
            return "Bearer " + token.value;
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            token = tokens.get(key);
            if (token == null || !token.fresh()) {
                token = fetchToken(c, scopes);
                tokens.put(key, token);
            }
        }
        return "Bearer " + token.value;
    }

    void forget(List<String> scopes) {
        tokens.remove(String.join(" ", scopes));
    }

    private Token fetchToken(Challenge c, List<String> scopes) throws IOException {
        if (c.realm() == null) {
            throw new RegistryException(transport.host() + ": bearer challenge without a realm", 401, null);
        }
        if (credentials.identityToken() != null) {
            var token = oauth(c, scopes);
            if (token != null) {
                return token;
            }
        }
        var query = new StringBuilder();
        if (c.service() != null) {
            query.append("service=").append(encode(c.service()));
        }
        for (var scope : scopes) {
            query.append(query.length() > 0 ? "&" : "").append("scope=").append(encode(scope));
        }
        if (query.length() == 0) {
            query.append("account=").append(encode(credentials.username() == null ? "" : credentials.username()));
        }
        var realm = URI.create(c.realm());
        var uri = URI.create(c.realm() + (realm.getRawQuery() == null ? "?" : "&") + query);
        var builder = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(60));
        if (credentials.hasPassword()) {
            builder.header("Authorization", credentials.basicHeader());
        } else if (credentials.identityToken() != null) {
            var user = credentials.username() != null ? credentials.username() : "<token>";
            builder.header("Authorization", Credentials.basic(user, credentials.identityToken(), "").basicHeader());
        }
        var response = transport.send(builder, uri);
        return token(response, uri, scopes);
    }

    /**
     * Trades an identity (refresh) token for an access token the OAuth2 way docker does: a POST to
     * the realm. Null when the realm does not take POSTs (Gitea answers 404), so GET is tried.
     */
    private Token oauth(Challenge c, List<String> scopes) throws IOException {
        var form = new StringBuilder("grant_type=refresh_token&client_id=hoist&refresh_token=")
                .append(encode(credentials.identityToken()));
        if (c.service() != null) {
            form.append("&service=").append(encode(c.service()));
        }
        form.append("&scope=").append(encode(String.join(" ", scopes)));
        var uri = URI.create(c.realm());
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        var response = transport.send(builder, uri);
        if (response.statusCode() == 404 || response.statusCode() == 405) {
            return null;
        }
        return token(response, uri, scopes);
    }

    private Token token(HttpResponse<byte[]> response, URI uri, List<String> scopes) {
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new RegistryException(transport.host() + ": " + (credentials.isAnonymous()
                    ? "authentication required: pass -u USER --password-stdin"
                    : "login failed for user '" + credentials.username() + "': unauthorized (check the credentials from " + credentials.source() + ")"),
                    response.statusCode(), null);
        }
        if (response.statusCode() != 200) {
            throw new RegistryException(transport.host() + ": token server " + Transport.redact(uri) + " answered "
                    + ErrorBody.describe(response.statusCode(), response.body()), response.statusCode(),
                    RegistryClient.retryAfter(response));
        }
        var node = Json.parse(response.body(), "token response");
        var value = Json.text(node, "token");
        if (value == null || value.isEmpty()) {
            value = Json.text(node, "access_token");
        }
        if (value == null || value.isEmpty()) {
            throw new RegistryException(transport.host() + ": token server gave no token", 0, null);
        }
        var lifetime = node.has("expires_in") ? Duration.ofSeconds(Math.max(node.get("expires_in").asLong(), 1)) : DEFAULT_TOKEN_LIFETIME;
        log.debug("{}: got a bearer token for {} ({} s)", transport.host(), scopes, lifetime.toSeconds());
        return new Token(value, Instant.now().plus(lifetime));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
