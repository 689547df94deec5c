package dev.hoist.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A username and password (or a bearer token) for one registry, plus where they came from.
 * {@link #toString()} never shows a secret, so a credential can't leak through a log line.
 */
public record Credentials(String username, String password, String token, String source) {

    public static final Credentials ANONYMOUS = new Credentials(null, null, null, "anonymous");

    public static Credentials basic(String username, String password, String source) {
        return new Credentials(username, password, null, source);
    }

    public boolean isAnonymous() {
        return username == null && token == null;
    }

    public boolean hasPassword() {
        return username != null && password != null;
    }

    /** The value of a Basic {@code Authorization} header. */
    public String basicHeader() {
        var pair = username + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return isAnonymous() ? "anonymous" : (username != null ? username : "token") + " (from " + source + ")";
    }
}
