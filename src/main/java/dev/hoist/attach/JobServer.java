package dev.hoist.attach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoist.engine.Job;
import dev.hoist.engine.PushListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One job on its socket. Each request is a JSON line, each answer one JSON line:
 * {@code {"op":"snapshot"}} answers {@code {"snapshot":{...}}}; {@code pause}, {@code resume},
 * {@code retry}, {@code cancel}, {@code {"op":"concurrency","value":N}} and
 * {@code {"op":"limit","value":BYTES_PER_SECOND}} answer {@code {"ok":true}} or {@code {"error":"..."}};
 * {@code {"op":"events"}} turns the connection into a stream of events, one per line, from then on.
 */
final class JobServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(JobServer.class);

    private final Job job;
    private final Path path;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();

    private JobServer(Job job, Path path, ServerSocketChannel server) {
        this.job = job;
        this.path = path;
        this.server = server;
    }

    static JobServer start(Job job, Path path) throws IOException {
        // Named for this process's PID: a file there is left by a process gone with the same PID.
        Files.deleteIfExists(path);
        var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        var s = new JobServer(job, path, server);
        thread("hoist-attach", s::accept).start();
        return s;
    }

    private static Thread thread(String name, Runnable work) {
        var t = new Thread(work, name);
        t.setDaemon(true);
        return t;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                var client = server.accept();
                clients.add(client);
                thread("hoist-attach-client", () -> serve(client)).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        PushListener streaming = null;
        try (client; var in = new BufferedReader(Channels.newReader(client, StandardCharsets.UTF_8));
             var out = Channels.newOutputStream(client)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode request;
                try {
                    request = JobJson.parse(line);
                } catch (IllegalArgumentException e) {
                    send(out, JobJson.object().put("error", "not a JSON line").toString());
                    continue;
                }
                var op = request.path("op").asText();
                if (op.equals("events")) {
                    if (streaming == null) {
                        streaming = event -> {
                            try {
                                send(out, JobJson.event(event));
                            } catch (IOException e) {
                                // The viewer left; its connection's reader ends the stream.
                            }
                        };
                        job.addListener(streaming);
                    }
                    continue;
                }
                send(out, answer(op, request.path("value")));
            }
        } catch (IOException e) {
            log.debug("attach client: {}", e.toString());
        } finally {
            if (streaming != null) {
                job.removeListener(streaming);
            }
            clients.remove(client);
        }
    }

    private String answer(String op, JsonNode value) {
        try {
            switch (op) {
                case "snapshot" -> {
                    var o = JobJson.object();
                    o.set("snapshot", JobJson.snapshot(job.snapshot()));
                    return o.toString();
                }
                case "pause" -> job.pause();
                case "resume" -> job.resume();
                case "retry" -> job.retryFailed();
                case "cancel" -> job.cancel();
                case "concurrency" -> job.concurrency(value.asInt());
                case "limit" -> job.rateLimit(value.asLong());
                default -> {
                    return JobJson.object().put("error", "unknown op '" + op + "'").toString();
                }
            }
            return JobJson.object().put("ok", true).toString();
        } catch (IllegalArgumentException e) {
            return JobJson.object().put("error", e.getMessage()).toString();
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        synchronized (out) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing: nothing more to do with it.
        }
        for (var client : clients) {
            try {
                client.close();
            } catch (IOException ignored) {
                // Gone already.
            }
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("could not remove {}: {}", path, e.toString());
        }
    }
}
