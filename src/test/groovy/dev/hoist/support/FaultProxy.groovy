package dev.hoist.support

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer

import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger

/**
 * A loopback HTTP proxy between hoist and a real registry that breaks requests on purpose. A rule
 * sees each request and answers null (forward it) or a fault:
 * {@code 'reset'} (drop the connection after reading part of the body), {@code 'status:503'},
 * {@code 'retry-after:2'} (429 with Retry-After), {@code 'stall:5000'} (wait, then forward),
 * {@code 'truncate'} (forward, then cut the response body short), {@code 'too-large'} (413).
 * Every request is logged with its time and what was done.
 */
class FaultProxy implements Closeable {

    static class Seen {
        String method
        String path
        long bodyBytes
        String fault
        long at
        int status
        String contentRange
    }

    final Registry upstream
    final HttpServer server
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    final List<Seen> seen = new CopyOnWriteArrayList<>()
    final AtomicInteger count = new AtomicInteger()
    volatile Closure<String> rule = { Seen s -> null }
    /** Bodies over this many bytes get 413, as an ingress with a body limit answers. */
    volatile long bodyLimit = Long.MAX_VALUE
    /** Gitea's rule: a PATCH without Content-Range after the first one of an upload gets 416. */
    volatile boolean giteaRules = false
    private final Map<String, Integer> patches = [:].asSynchronized()

    FaultProxy(Registry upstream) {
        this.upstream = upstream
        server = HttpServer.create(new InetSocketAddress('127.0.0.1', 0), 64)
        server.executor = Executors.newCachedThreadPool()
        server.createContext('/') { HttpExchange ex -> handle(ex) }
        server.start()
    }

    String getHost() {
        "127.0.0.1:${server.address.port}"
    }

    /** Answers every upload start with 429 and Retry-After: 60, so a push sits waiting until it is cancelled. */
    FaultProxy holdingUploads() {
        rule = { Seen seen -> seen.method == 'POST' ? 'retry-after:60' : null }
        this
    }

    /** Fails this share of requests at random, with a seed so a run can be repeated. */
    void failRandomly(double rate, long seed) {
        def random = new Random(seed)
        def faults = ['status:500', 'status:502', 'status:503', 'reset']
        rule = { Seen s ->
            synchronized (random) {
                random.nextDouble() < rate ? faults[random.nextInt(faults.size())] : null
            }
        }
    }

    private void handle(HttpExchange ex) {
        def s = new Seen(method: ex.requestMethod, path: ex.requestURI.toString(), at: System.currentTimeMillis(),
                contentRange: ex.requestHeaders.getFirst('Content-Range'))
        seen << s
        count.incrementAndGet()
        try {
            def fault = rule.call(s)
            s.fault = fault
            if (fault == 'reset') {
                ex.requestBody.readNBytes(1024)
                ex.close()
                return
            }
            if (fault?.startsWith('status:')) {
                drain(ex)
                reply(ex, s, fault.substring(7) as int, [:], '{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}')
                return
            }
            if (fault?.startsWith('retry-after:')) {
                drain(ex)
                reply(ex, s, 429, ['Retry-After': fault.substring(12)], '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}')
                return
            }
            if (fault?.startsWith('stall:')) {
                Thread.sleep(fault.substring(6) as long)
            }
            def body = ex.requestBody.bytes
            s.bodyBytes = body.length
            if (body.length > bodyLimit || fault == 'too-large') {
                s.fault = 'too-large'
                reply(ex, s, 413, [:], '<html><body>413 Request Entity Too Large</body></html>')
                return
            }
            if (giteaRules && ex.requestMethod == 'PATCH') {
                def upload = ex.requestURI.path
                int n = patches.merge(upload, 1, Integer::sum)
                if (n > 1 && s.contentRange == null) {
                    s.fault = 'gitea-416'
                    reply(ex, s, 416, [:], '{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"range not satisfiable"}]}')
                    return
                }
            }
            forward(ex, s, body, fault == 'truncate')
        } catch (Throwable t) {
            s.fault = (s.fault ?: '') + ' proxy-error:' + t
            ex.close()
        }
    }

    private void forward(HttpExchange ex, Seen s, byte[] body, boolean truncate) {
        def uri = URI.create("http://${upstream.host}${ex.requestURI}")
        def builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .method(ex.requestMethod, body.length > 0 || ex.requestMethod in ['PUT', 'PATCH', 'POST']
                        ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody())
        ex.requestHeaders.each { name, values ->
            if (!(name.toLowerCase() in ['host', 'content-length', 'connection', 'transfer-encoding', 'expect', 'upgrade'])) {
                values.each { builder.header(name, it) }
            }
        }
        def response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
        s.status = response.statusCode()
        response.headers().map().each { name, values ->
            if (!(name.toLowerCase() in ['content-length', 'transfer-encoding', 'connection', ':status'])) {
                values.each { ex.responseHeaders.add(name, it.replace(upstream.host, host)) }
            }
        }
        def bytes = response.body()
        if (ex.requestMethod == 'HEAD' || bytes.length == 0) {
            ex.sendResponseHeaders(response.statusCode(), -1)
            ex.close()
            return
        }
        ex.sendResponseHeaders(response.statusCode(), bytes.length)
        ex.responseBody.write(bytes, 0, truncate ? bytes.length.intdiv(2) : bytes.length)
        if (truncate) {
            ex.responseBody.flush()
            ex.close()
            return
        }
        ex.responseBody.close()
    }

    private static void drain(HttpExchange ex) {
        ex.requestBody.transferTo(OutputStream.nullOutputStream())
    }

    private static void reply(HttpExchange ex, Seen s, int status, Map<String, String> headers, String body) {
        s.status = status
        def bytes = body.getBytes('UTF-8')
        headers.each { k, v -> ex.responseHeaders.add(k, v) }
        ex.responseHeaders.add('Content-Type', 'application/json')
        if (ex.requestMethod == 'HEAD') {
            ex.sendResponseHeaders(status, -1)
        } else {
            ex.sendResponseHeaders(status, bytes.length)
            ex.responseBody.write(bytes)
        }
        ex.close()
    }

    @Override
    void close() {
        server.stop(0)
    }
}
