package dev.hoist.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A reference to an image in a registry, {@code HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]}, with the
 * grammar of the distribution reference library. The host is always explicit: hoist never guesses
 * a registry for you. As a push target, the registry may also be {@code oci:DIR}, an OCI layout.
 */
public record ImageRef(String registry, String repository, String tag, Digest digest) {

    private static final Pattern HOST = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    public ImageRef {
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("invalid tag '" + tag + "' (letters, digits, '_', '.', '-'; at most 128)");
        }
    }

    /** Parses a reference; the message of the {@link IllegalArgumentException} is fit for the user. */
    public static ImageRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' names no repository: expected HOST[:PORT]/REPOSITORY[:TAG]");
        }
        var host = rest.substring(0, slash);
        var path = rest.substring(slash + 1);
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + text + "': invalid registry host '" + host + "'");
        }
        if (!isHost(host)) {
            throw new IllegalArgumentException("'" + text + "' has no registry host: expected HOST[:PORT]/REPOSITORY[:TAG], e.g. localhost:5000/" + rest);
        }
        String tag = null;
        int colon = path.lastIndexOf(':');
        if (colon >= 0) {
            tag = path.substring(colon + 1);
            path = path.substring(0, colon);
        }
        checkRepository(path, text);
        try {
            return new ImageRef(host, path, tag, digest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
    }

    static void checkRepository(String path, String text) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no repository: expected HOST[:PORT]/REPOSITORY[:TAG]");
        }
        if (!path.equals(path.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("'" + text + "': repository name must be lowercase");
        }
        for (var component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("'" + text + "': invalid repository name '" + path
                        + "' (lowercase letters, digits and . _ - between them, separated by /)");
            }
        }
        if (path.length() > 255) {
            throw new IllegalArgumentException("'" + text + "': repository name is longer than 255 characters");
        }
    }

    /**
     * Docker's rule for the first segment of a reference: a registry host when it has a dot or a
     * port, is {@code localhost} or an IPv6 literal; otherwise it is part of a Docker Hub name.
     */
    public static boolean isHost(String firstSegment) {
        return firstSegment.contains(".") || firstSegment.contains(":") || firstSegment.equals("localhost")
                || firstSegment.startsWith("[");
    }

    /** Checks a repository name; the message of the {@link IllegalArgumentException} quotes {@code text}. */
    public static void checkName(String repository, String text) {
        checkRepository(repository, text);
    }

    public static boolean isValidRepository(String repository) {
        try {
            checkRepository(repository, repository);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    public ImageRef withTag(String newTag) {
        return new ImageRef(registry, repository, newTag, null);
    }

    public ImageRef withDigest(Digest d) {
        return new ImageRef(registry, repository, null, d);
    }

    /** What to PUT the manifest under: the tag, else the digest. */
    public String reference() {
        return tag != null ? tag : digest != null ? digest.toString() : "latest";
    }

    @Override
    public String toString() {
        // A layout target named by a bare tag (oci:DIR:TAG, as skopeo writes it) has no repository; one with a
        // repository is oci:DIR:REPO:TAG, split at the first ':' as skopeo does (oci:DIR/REPO would be another directory).
        var s = repository.isEmpty() ? registry
                : registry + (registry.startsWith("oci:") ? ":" : "/") + repository;
        if (tag != null) {
            s += ":" + tag;
        }
        if (digest != null) {
            s += "@" + digest;
        }
        return s;
    }
}
