package dev.hoist.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials for one registry, and where they came from: a username and password, a bearer
 * token used as it is, or an OAuth identity (refresh) token as docker login stores for some
 * registries. {@link #toString()} never shows a secret, so a credential can't leak through a log line.
 */
public record Credentials(String username, String password, String token, String identityToken, String source) {

    public static final Credentials ANONYMOUS = new Credentials(null, null, null, null, "anonymous");

    public static Credentials basic(String username, String password, String source) {
        return new Credentials(username, password, null, null, source);
    }

    public static Credentials bearer(String token, String source) {
        return new Credentials(null, null, token, null, source);
    }

    public static Credentials identityToken(String username, String identityToken, String source) {
        return new Credentials(username, null, null, identityToken, source);
    }

    public boolean isAnonymous() {
        return username == null && token == null && identityToken == null;
    }

    public boolean hasPassword() {
        return username != null && password != null;
    }

    /** The value of a Basic {@code Authorization} header. */
    public String basicHeader() {
        var pair = username + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Every secret this holds, for scrubbing text that must not show them. */
    public java.util.List<String> secrets() {
        var out = new java.util.ArrayList<String>();
        for (var s : new String[]{password, token, identityToken}) {
            if (s != null && !s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Random for each process: a fingerprint can't be matched against guessed passwords elsewhere.
     * In a holder, made on the first fingerprint (shell completion), not when any command loads
     * this class; and from {@code nextBytes}, not {@code generateSeed}, which reads /dev/random and
     * can block a process on a low-entropy VM.
     */
    private static final class FingerprintKey {
        static final byte[] KEY = new byte[32];

        static {
            new java.security.SecureRandom().nextBytes(KEY);
        }
    }

    /**
     * Tells credentials apart without holding a secret: a keyed hash of who and what they are
     * (not where they came from), to key what was read with them. "anonymous" for none.
     */
    public String fingerprint() {
        if (isAnonymous()) {
            return "anonymous";
        }
        try {
            var mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(FingerprintKey.KEY, "HmacSHA256"));
            for (var s : new String[]{username, password, token, identityToken}) {
                mac.update(s == null ? new byte[]{1} : ("\0" + s).getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(mac.doFinal(), 0, 12);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return isAnonymous() ? "anonymous" : (username != null ? username : "token") + " (from " + source + ")";
    }
}
