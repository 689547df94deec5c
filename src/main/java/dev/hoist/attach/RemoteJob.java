package dev.hoist.attach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoist.engine.JobSnapshot;
import dev.hoist.engine.JobView;
import dev.hoist.engine.PushEvent;
import dev.hoist.engine.PushListener;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A job of another process, seen through its socket: the same {@link JobView} a job in this
 * process is, so the dashboard draws either the same way. Once the push has ended and its process
 * gone, {@link #snapshot()} keeps answering the last snapshot it got and {@link #connected()} is false.
 */
public final class RemoteJob implements JobView, AutoCloseable {

    private final Path socket;
    private final boolean readOnly;
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private volatile boolean connected = true;
    private JobSnapshot last;

    private RemoteJob(Path socket, boolean readOnly, SocketChannel channel) {
        this.socket = socket;
        this.readOnly = readOnly;
        this.channel = channel;
        this.in = new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** @param readOnly the controls refuse (a viewer that may only look) */
    public static RemoteJob connect(Path socket, boolean readOnly) throws IOException {
        return new RemoteJob(socket, readOnly, SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    public boolean connected() {
        return connected;
    }

    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public synchronized JobSnapshot snapshot() {
        try {
            var answer = request(JobJson.object().put("op", "snapshot").toString());
            last = JobJson.snapshot(answer.get("snapshot"));
        } catch (IOException e) {
            connected = false;
            if (last == null) {
                throw new UncheckedIOException(socket + ": " + e.getMessage(), e);
            }
        }
        return last;
    }

    private JsonNode request(String line) throws IOException {
        if (!connected) {
            throw new IOException("the push has ended");
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        var answer = in.readLine();
        if (answer == null) {
            throw new IOException("the push has ended");
        }
        var node = JobJson.parse(answer);
        if (node.has("error")) {
            throw new IllegalArgumentException(node.get("error").asText());
        }
        return node;
    }

    private synchronized void control(String op, Long value) {
        if (readOnly) {
            throw new UnsupportedOperationException("attached read-only");
        }
        var o = JobJson.object().put("op", op);
        if (value != null) {
            o.put("value", value);
        }
        try {
            request(o.toString());
        } catch (IOException e) {
            connected = false;
            throw new UncheckedIOException("the push has ended", e);
        }
    }

    @Override
    public void pause() {
        control("pause", null);
    }

    @Override
    public void resume() {
        control("resume", null);
    }

    @Override
    public void concurrency(int n) {
        control("concurrency", (long) n);
    }

    @Override
    public void rateLimit(long bytesPerSecond) {
        control("limit", bytesPerSecond);
    }

    @Override
    public void retryFailed() {
        control("retry", null);
    }

    @Override
    public void cancel() {
        control("cancel", null);
    }

    /**
     * Events of the job from now on, told to {@code listener} on a thread of its own over a second
     * connection, until the handle is closed or the push ends.
     */
    public Closeable events(PushListener listener) throws IOException {
        var stream = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        var o = Channels.newOutputStream(stream);
        o.write((JobJson.object().put("op", "events") + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
        var reader = new BufferedReader(Channels.newReader(stream, StandardCharsets.UTF_8));
        var t = new Thread(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    var event = JobJson.pushEvent(JobJson.parse(line));
                    if (event != null) {
                        listener.on(event);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The stream ended: closed here, or the push is over.
            }
        }, "hoist-attach-events");
        t.setDaemon(true);
        t.start();
        return stream;
    }

    @Override
    public void close() {
        connected = false;
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
