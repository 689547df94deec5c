package dev.hoist.support

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import groovy.json.JsonOutput

import java.security.KeyFactory
import java.security.Signature
import java.security.cert.CertificateFactory
import java.security.spec.PKCS8EncodedKeySpec
import java.util.concurrent.atomic.AtomicInteger

/**
 * A token server that behaves like Gitea's: {@code GET /v2/token} with Basic credentials returns
 * {@code {"token": JWT}}; a POST gets 404; wrong credentials get 401. Tokens are RS256 JWTs with
 * an x5c header the registry checks against its root certificate bundle.
 */
class TokenServer implements Closeable {

    static final String SERVICE = 'hoist-test-registry'
    static final String ISSUER = 'hoist-test-issuer'

    final String username
    final String password
    final File certFile
    final HttpServer server
    final AtomicInteger issued = new AtomicInteger()
    final AtomicInteger posts = new AtomicInteger()
    /** Repositories nobody may read: their scopes are left out of tokens, as real token servers grant a subset. */
    final Set<String> unreadable = java.util.concurrent.ConcurrentHashMap.newKeySet()
    private final def privateKey
    private final String x5c

    TokenServer(File dir, String username, String password) {
        this.username = username
        this.password = password
        def files = Certs.signing(dir)
        certFile = files.cert
        def pem = files.key.text.replaceAll(/-----[A-Z ]+-----/, '').replaceAll(/\s/, '')
        privateKey = KeyFactory.getInstance('RSA').generatePrivate(new PKCS8EncodedKeySpec(pem.decodeBase64()))
        def cert = CertificateFactory.getInstance('X.509').generateCertificate(new FileInputStream(certFile))
        x5c = cert.encoded.encodeBase64().toString()
        server = HttpServer.create(new InetSocketAddress('127.0.0.1', 0), 0)
        server.createContext('/v2/token') { HttpExchange ex -> handle(ex) }
        server.start()
    }

    String getRealm() {
        "http://127.0.0.1:${server.address.port}/v2/token"
    }

    private void handle(HttpExchange ex) {
        try {
            if (ex.requestMethod != 'GET') {
                posts.incrementAndGet()
                reply(ex, 404, '{"errors":[{"code":"NOT_FOUND","message":"not found"}]}')
                return
            }
            def auth = ex.requestHeaders.getFirst('Authorization')
            def user = null
            if (auth?.startsWith('Basic ')) {
                def pair = new String(auth.substring(6).decodeBase64(), 'UTF-8')
                def colon = pair.indexOf(':')
                if (pair.substring(0, colon) == username && pair.substring(colon + 1) == password) {
                    user = username
                } else {
                    reply(ex, 401, '{"errors":[{"code":"UNAUTHORIZED","message":"invalid credentials"}]}')
                    return
                }
            }
            def query = ex.requestURI.rawQuery ?: ''
            def scopes = query.split('&').findAll { it.startsWith('scope=') }
                    .collect { URLDecoder.decode(it.substring(6), 'UTF-8') }
            def access = user == null ? [] : scopes.collect { s ->
                def parts = s.split(':')
                [type: parts[0], name: parts[1..-2].join(':'), actions: parts[-1].split(',') as List]
            }.findAll { !(it.name in unreadable) }
            issued.incrementAndGet()
            reply(ex, 200, JsonOutput.toJson([token: jwt(user ?: '', access)]))
        } catch (Throwable t) {
            t.printStackTrace()
            reply(ex, 500, '{}')
        }
    }

    private String jwt(String subject, List access) {
        long now = System.currentTimeMillis().intdiv(1000)
        def header = JsonOutput.toJson([typ: 'JWT', alg: 'RS256', x5c: [x5c]])
        def claims = JsonOutput.toJson([iss: ISSUER, sub: subject, aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now,
                                        jti: UUID.randomUUID().toString(), access: access])
        def input = b64(header.getBytes('UTF-8')) + '.' + b64(claims.getBytes('UTF-8'))
        def sig = Signature.getInstance('SHA256withRSA')
        sig.initSign(privateKey)
        sig.update(input.getBytes('US-ASCII'))
        input + '.' + b64(sig.sign())
    }

    private static String b64(byte[] bytes) {
        Base64.urlEncoder.withoutPadding().encodeToString(bytes)
    }

    private static void reply(HttpExchange ex, int status, String body) {
        def bytes = body.getBytes('UTF-8')
        ex.responseHeaders.add('Content-Type', 'application/json')
        ex.sendResponseHeaders(status, bytes.length)
        ex.responseBody.withCloseable { it.write(bytes) }
    }

    @Override
    void close() {
        server.stop(0)
    }
}
