package dev.hoist.dsl;

import dev.hoist.credentials.Credentials;
import dev.hoist.image.ImageRef;
import dev.hoist.registry.RegistryOptions;

import java.net.URI;
import java.nio.file.Path;

/**
 * {@code registry 'name', { ... }}: a registry and how to reach it. Its settings (TLS, credentials,
 * limits, chunk size) go with every plan that pushes to it, so one plan reaches a plain-HTTP mirror
 * and a TLS registry with its own CA together.
 */
public final class RegistrySpec {

    private final HoistSession session;
    private final String name;
    private final Path baseDir;
    private String host;
    private String namespace = "";
    private CredentialRef credentials;
    private Path caCert;
    private Path clientCert;
    private Path clientKey;
    private boolean insecure;
    private Integer maxRequests;
    private Long chunkSize;
    private Integer retries;
    private dev.hoist.image.LayerCompression compression;

    RegistrySpec(HoistSession session, String name, Path baseDir) {
        this.session = session;
        this.name = name;
        this.baseDir = baseDir;
    }

    public String getName() {
        return name;
    }

    /** {@code HOST[:PORT]}. */
    public String getHost() {
        return host;
    }

    public String getNamespace() {
        return namespace;
    }

    /** {@code gitea.example.com:8443}: where the registry is. */
    public void host(String value) {
        if (value == null || value.isBlank() || value.contains("/") || !ImageRef.isHost(value) && !value.matches("[A-Za-z0-9.-]+")) {
            session.problem("host '" + value + "' is not HOST[:PORT]", value);
            return;
        }
        host = value;
    }

    /** {@code https://HOST[:PORT][/NAMESPACE]}; {@code http://} means plain HTTP (as {@code insecure}). */
    public void url(String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            session.problem("url '" + value + "' is not a URL", value);
            return;
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            session.problem("url '" + value + "': expected https://HOST[:PORT][/NAMESPACE] or http://...", value);
            return;
        }
        host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        var path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        if (!path.isEmpty()) {
            namespace = path;
        }
        if ("http".equals(uri.getScheme())) {
            insecure = true;
        }
    }

    /** Images go under this path: {@code NAMESPACE/REPOSITORY:TAG}. */
    public void namespace(String value) {
        var ns = value == null ? "" : value.replaceAll("^/+|/+$", "");
        if (!ns.isEmpty() && !ImageRef.isValidRepository(ns)) {
            session.problem("namespace '" + value + "' is not a valid repository path (lowercase letters, digits, . _ - /)", value);
            return;
        }
        namespace = ns;
    }

    /** {@code env('USER_VAR', 'PASSWORD_VAR')}, {@code token(...)}, {@code dockerConfig()}, {@code login()} or {@code file('path')}. */
    public void credentials(CredentialRef value) {
        credentials = value;
        session.checkCredentials(value);
    }

    /** The first that can be read: {@code credentials env('GITEA_USERNAME', 'GITEA_PASSWORD'), idpbuilder()}. */
    public void credentials(CredentialRef... choices) {
        credentials(CredentialRef.firstOf(java.util.List.of(choices)));
    }

    /** A file holding {@code USER:PASSWORD}. */
    public void credentials(Secret file) {
        credentials(new CredentialRef(CredentialRef.Kind.USER_PASSWORD_FILE, null, file));
    }

    public void username(String value) {
        username(Secret.literal(value));
    }

    public void username(Secret value) {
        var password = credentials != null && credentials.kindIs(CredentialRef.Kind.BASIC) ? credentials.secret() : null;
        credentials = new CredentialRef(CredentialRef.Kind.BASIC, value, password);
    }

    /** A password; prefer {@code password env('NAME')}: a literal works but {@code hoist check} warns. */
    public void password(String value) {
        password(Secret.literal(value));
    }

    public void password(Secret value) {
        var user = credentials != null && credentials.kindIs(CredentialRef.Kind.BASIC) ? credentials.user() : null;
        credentials = new CredentialRef(CredentialRef.Kind.BASIC, user, value);
        if (user != null) {
            session.checkCredentials(credentials);
        }
    }

    /** A bearer token used as it is. */
    public void token(Secret value) {
        credentials(new CredentialRef(CredentialRef.Kind.BEARER, null, value));
    }

    public void token(String value) {
        token(Secret.literal(value));
    }

    /** Trust this CA certificate (PEM) for this registry, besides the system's. */
    public void caCert(String path) {
        caCert = session.existingFile(baseDir, path, "caCert");
    }

    public void clientCert(String path) {
        clientCert = session.existingFile(baseDir, path, "clientCert");
    }

    public void clientKey(String path) {
        clientKey = session.existingFile(baseDir, path, "clientKey");
    }

    /** Accept any certificate and plain HTTP for this registry. */
    public void insecure(boolean value) {
        insecure = value;
    }

    /** Requests in flight at once to this registry. */
    public void maxRequests(int value) {
        if (value < 1) {
            session.problem("maxRequests must be at least 1", "maxRequests");
            return;
        }
        maxRequests = value;
    }

    /** Upload in PATCH chunks of this size ({@code 8.MiB}); at most 256 MiB. */
    public void chunkSize(long bytes) {
        if (bytes < 0 || bytes > 256L * 1024 * 1024) {
            session.problem("chunkSize must be between 0 and 256.MiB (it is held in memory per transfer)", "chunkSize");
            return;
        }
        chunkSize = bytes;
    }

    /** The compression plans pushing here use unless they say otherwise: {@code 'gzip'} or {@code 'zstd'}. */
    public void compression(String name) {
        compression(name, 0);
    }

    public void compression(String name, int level) {
        try {
            compression = dev.hoist.image.LayerCompression.of(name, level);
        } catch (IllegalArgumentException e) {
            session.problem(e.getMessage() + HoistSession.didYouMean(name, java.util.List.of("gzip", "zstd")), name);
        }
    }

    dev.hoist.image.LayerCompression compression() {
        return compression;
    }

    /** Retries per request on transient failures. */
    public void retries(int value) {
        if (value < 0) {
            session.problem("retries must not be negative", "retries");
            return;
        }
        retries = value;
    }

    boolean complete() {
        return host != null;
    }

    /** The target for plans: {@code HOST[/NAMESPACE]}. */
    String target() {
        return namespace.isEmpty() ? host : host + "/" + namespace;
    }

    /** This registry's options over the session's defaults; {@code planRetries} wins when not null. */
    RegistryOptions options(RegistryOptions defaults, Integer planRetries) {
        int r = planRetries != null ? planRetries : retries != null ? retries : defaults.retries();
        return new RegistryOptions(insecure || defaults.insecure(), caCert != null ? caCert : defaults.caCert(), r,
                chunkSize != null ? chunkSize : defaults.chunkSize(), defaults.connectTimeout(),
                maxRequests != null ? maxRequests : defaults.maxPerRegistry(), defaults.certsDir(),
                clientCert != null ? clientCert : defaults.clientCert(), clientKey != null ? clientKey : defaults.clientKey(),
                defaults.sessionsDir());
    }

    /** The credentials named for it, read now; null to ask the usual chain. */
    Credentials credentials(java.util.Map<String, String> env) {
        return credentials == null ? null : credentials.resolve(host, env);
    }

    @Override
    public String toString() {
        return "registry '" + name + "' (" + (host == null ? "no host" : target()) + ")";
    }
}
