package dev.hoist.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:9f86d0...}, validated on construction. */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        var pattern = switch (algorithm) {
            case "sha256" -> SHA256;
            case "sha512" -> SHA512;
            default -> throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
        };
        if (!pattern.matcher(hex).matches()) {
            throw new IllegalArgumentException("malformed " + algorithm + " digest '" + hex + "'");
        }
    }

    /** Parses {@code algorithm:hex}; throws {@link IllegalArgumentException} with a readable message. */
    public static Digest parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("malformed digest '" + text + "' (expected sha256:<64 hex>)");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static boolean isDigest(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Digest sha256(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    public static Digest of(MessageDigest finished) {
        return new Digest(finished.getAlgorithm().replace("-", "").toLowerCase(java.util.Locale.ROOT),
                HexFormat.of().formatHex(finished.digest()));
    }

    public static MessageDigest newSha256() {
        return newDigest("sha256");
    }

    public MessageDigest newMessageDigest() {
        return newDigest(algorithm);
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code bytes} hash to this digest. */
    public boolean matches(byte[] bytes) {
        var md = newMessageDigest();
        md.update(bytes);
        return Digest.of(md).equals(this);
    }

    /** The first twelve hex digits, as docker shows image IDs. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
