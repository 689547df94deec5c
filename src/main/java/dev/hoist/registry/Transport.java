package dev.hoist.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.Executors;

/**
 * One HTTP client per registry with its TLS settings. It finds out whether the registry speaks
 * HTTPS or (when allowed) plain HTTP, and logs requests at debug level without any secret.
 * The TLS context (the JDK trust store, extra CAs, client keys) is built when HTTPS is first used:
 * a plain-HTTP loopback registry never pays for it.
 */
final class Transport {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    private static final java.time.Duration PING_TIMEOUT = java.time.Duration.ofSeconds(15);
    private static final java.time.Duration LOOPBACK_TLS_PROBE = java.time.Duration.ofSeconds(2);

    private final String host;
    private final RegistryOptions options;
    private final java.util.concurrent.ExecutorService executor;
    private final boolean plainHttpAllowed;
    private final Tls.Files tlsFiles;
    private HttpClient plainClient;
    private HttpClient tlsClient;
    private volatile URI base;

    Transport(String host, RegistryOptions options) {
        this.host = host;
        this.options = options;
        this.plainHttpAllowed = options.insecure() || isLoopback(host);
        this.tlsFiles = options.tlsFor(host);
        this.executor = Executors.newCachedThreadPool(r -> {
            var t = new Thread(r, "hoist-http-" + host);
            t.setDaemon(true);
            return t;
        });
        if (!tlsFiles.caCerts().isEmpty() || tlsFiles.clientCert() != null || tlsFiles.clientKey() != null) {
            // TLS material was given: a mistake in it is reported at once, not at the first request.
            client(true);
        }
    }

    /**
     * The client for https:// (the TLS context built on first use) or for http:// (a context that
     * makes no TLS, so the JDK's default one is never built).
     */
    private synchronized HttpClient client(boolean tls) {
        if (tls) {
            if (tlsClient == null) {
                tlsClient = build(Tls.context(tlsFiles, options.insecure()));
            }
            return tlsClient;
        }
        if (plainClient == null) {
            plainClient = build(Tls.plainOnly());
        }
        return plainClient;
    }

    private HttpClient build(javax.net.ssl.SSLContext ssl) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(options.connectTimeout())
                .sslContext(ssl)
                .executor(executor)
                .build();
    }

    /** Like docker: localhost and 127.0.0.0/8 may fall back to plain HTTP without --insecure. */
    static boolean isLoopback(String host) {
        var name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":")[0];
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || name.equals("[::1]");
    }

    String host() {
        return host;
    }

    /** Lets the client's threads end; its connections close when it is collected (Java 17 has no close()). */
    void close() {
        executor.shutdown();
    }

    URI base() {
        return base;
    }

    /**
     * Pings {@code /v2/} over HTTPS and, where allowed, falls back to HTTP when the server does not
     * speak TLS. Returns the ping's response, whose challenge tells how to authenticate. A loopback
     * registry is asked over plain HTTP first: one port speaks one of them, nothing leaves the
     * machine, and a TLS handshake costs a plain one a quarter of a second of start-up.
     */
    HttpResponse<byte[]> ping() throws IOException {
        if (base != null) {
            // The scheme is known from an earlier answer (a 429 or 5xx being retried): ask it again.
            var v2 = base.resolve("/v2/");
            return send(HttpRequest.newBuilder(v2).GET().timeout(PING_TIMEOUT), v2);
        }
        boolean tlsConfigured = !tlsFiles.caCerts().isEmpty() || tlsFiles.clientCert() != null;
        if (isLoopback(host) && !tlsConfigured) {
            var http = URI.create("http://" + host + "/");
            try {
                var response = send(HttpRequest.newBuilder(http.resolve("/v2/")).GET().timeout(LOOPBACK_TLS_PROBE), http.resolve("/v2/"));
                // Any HTTP answer, a 429 or a 503 too, proves the port speaks plain HTTP (the caller
                // retries what is not 200 or 401 by the usual rules, Retry-After included), except
                // the 400 a TLS server (Go's among them) gives a plain request.
                if (!speaksTlsInstead(response)) {
                    log.debug("{} speaks plain HTTP", host);
                    base = http;
                    return response;
                }
            } catch (IOException e) {
                // Not plain HTTP (a TLS server may drop the connection): ask over HTTPS below.
            }
        }
        var https = URI.create("https://" + host + "/");
        try {
            // On loopback an answer comes at once; a server that ignores a TLS hello speaks plain HTTP.
            var timeout = isLoopback(host) ? LOOPBACK_TLS_PROBE : PING_TIMEOUT;
            var response = send(HttpRequest.newBuilder(https.resolve("/v2/")).GET().timeout(timeout), https.resolve("/v2/"));
            base = https;
            return response;
        } catch (SSLException | HttpTimeoutException e) {
            // A plain-HTTP server may answer a TLS hello with an error, or not at all.
            if (!plainHttpAllowed) {
                if (e instanceof HttpTimeoutException timeout) {
                    throw timeout;
                }
                throw tlsFailure((SSLException) e);
            }
            var http = URI.create("http://" + host + "/");
            HttpResponse<byte[]> response;
            try {
                response = send(HttpRequest.newBuilder(http.resolve("/v2/")).GET().timeout(PING_TIMEOUT), http.resolve("/v2/"));
            } catch (IOException plain) {
                throw neither(e);
            }
            if (speaksTlsInstead(response)) {
                throw neither(e);
            }
            log.debug("{} speaks plain HTTP", host);
            base = http;
            return response;
        }
    }

    private static boolean speaksTlsInstead(HttpResponse<byte[]> response) {
        return response.statusCode() == 400;
    }

    /** Neither HTTPS nor HTTP worked: the HTTPS failure says more. */
    private IOException neither(IOException httpsFailure) {
        if (httpsFailure instanceof SSLException ssl) {
            throw tlsFailure(ssl);
        }
        return httpsFailure;
    }

    private RegistryException tlsFailure(SSLException e) {
        var text = String.valueOf(e.getMessage());
        if (text.contains("bad_certificate") || text.contains("certificate_required")) {
            return new RegistryException(host + ": the registry asks for a client certificate: pass --cert FILE --key FILE, "
                    + "or put client.cert and client.key in ~/.config/hoist/certs.d/" + host + "/", e);
        }
        var msg = e instanceof SSLHandshakeException && String.valueOf(e.getMessage()).contains("PKIX")
                ? host + ": TLS certificate is not trusted; pass --ca-cert FILE to trust its CA, or --insecure"
                : e instanceof SSLHandshakeException && String.valueOf(e.getMessage()).contains("No subject alternative")
                ? host + ": TLS certificate does not match the host name; pass --insecure to accept it"
                : host + ": TLS handshake failed: " + e.getMessage() + (plainHttpAllowed ? "" : " (use --insecure for a plain-HTTP registry)");
        return new RegistryException(msg, e);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder builder, URI uri) throws IOException {
        var request = builder.build();
        long start = System.nanoTime();
        try {
            var response = client("https".equals(uri.getScheme())).send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (log.isDebugEnabled()) {
                log.debug("{} {} -> {} ({} ms){}", request.method(), redact(uri), response.statusCode(),
                        (System.nanoTime() - start) / 1_000_000,
                        request.headers().firstValue("Authorization").isPresent() ? " [Authorization: redacted]" : "");
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (IOException e) {
            log.debug("{} {} failed: {}", request.method(), redact(uri), e.toString());
            throw e;
        }
    }

    /** Upload URLs may carry opaque state; show the path only. */
    static String redact(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + (uri.getRawQuery() != null ? "?…" : "");
    }

    static boolean unresolved(Throwable e) {
        for (var c = e; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** A readable failure for a registry that did not answer. */
    static RegistryException unreachable(String what, IOException e) {
        String reason;
        if (unresolved(e)) {
            return new RegistryException(what + ": host does not resolve", new UnknownHostException(e.getMessage()));
        } else if (e instanceof HttpConnectTimeoutException) {
            reason = "connection timed out";
        } else if (e instanceof ConnectException) {
            reason = "connection refused";
        } else if (e instanceof HttpTimeoutException) {
            reason = "request timed out";
        } else {
            reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        return new RegistryException(what + ": " + reason, e);
    }
}
