package dev.hoist.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP request body read from a stream in 64 KiB buffers, on demand. Unlike the JDK's
 * {@code ofInputStream} it opens the stream per subscription (so a re-sent request reads afresh)
 * and reports a failure to open or read as the request's failure, cause intact.
 */
final class StreamBody implements HttpRequest.BodyPublisher {

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    private static final int BUFFER = 512 * 1024;

    private final Opener opener;
    private final long length;

    /** @param length the exact length, or -1 for a chunked-encoded body */
    StreamBody(Opener opener, long length) {
        this.opener = opener;
        this.length = length;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Pump(subscriber));
    }

    private final class Pump implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean done = new AtomicBoolean();
        private InputStream in;

        Pump(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                fail(new IllegalArgumentException("non-positive demand"));
                return;
            }
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                while (demand.get() > 0 && !done.get()) {
                    try {
                        if (in == null) {
                            in = opener.open();
                        }
                        var buffer = new byte[BUFFER];
                        int n2 = in.readNBytes(buffer, 0, BUFFER);
                        if (n2 == 0) {
                            finish();
                            break;
                        }
                        demand.decrementAndGet();
                        subscriber.onNext(ByteBuffer.wrap(buffer, 0, n2));
                    } catch (IOException | RuntimeException e) {
                        fail(e);
                    }
                }
            } while (wip.decrementAndGet() != 0);
        }

        private void finish() {
            if (done.compareAndSet(false, true)) {
                close();
                subscriber.onComplete();
            }
        }

        private void fail(Throwable t) {
            if (done.compareAndSet(false, true)) {
                close();
                subscriber.onError(t);
            }
        }

        @Override
        public void cancel() {
            done.set(true);
            close();
        }

        private void close() {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // Nothing more to read from it either way.
                }
            }
        }
    }
}
