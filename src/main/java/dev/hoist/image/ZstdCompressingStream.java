package dev.hoist.image;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Reads an uncompressed stream and yields one zstd frame of it, compressed by zstd's own worker
 * threads. zstd's multi-threaded mode cuts the input into jobs by size alone, so its output is the
 * same for any number of workers from one up: the digest does not depend on the machine's cores.
 * Memory stays bounded: input is fed {@value #FEED} bytes at a time and only what zstd has emitted
 * so far waits here for the reader.
 */
public final class ZstdCompressingStream extends InputStream {

    /** zstd's own default level. */
    public static final int DEFAULT_LEVEL = 3;
    private static final int FEED = 256 * 1024;
    private static final int WORKERS = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));

    /** Part of every cached compressed digest's key: zstd's version and the level. */
    public static String scheme(int level) {
        return "zstd-" + com.github.luben.zstd.util.ZstdVersion.VERSION + "-" + level + "-mt";
    }

    private final InputStream in;
    private final Sink sink = new Sink();
    private final ZstdOutputStreamNoFinalizer zstd;
    private final byte[] feed = new byte[FEED];
    private boolean ended;
    private volatile boolean closed;

    public ZstdCompressingStream(InputStream in, int level) throws IOException {
        this.in = in;
        this.zstd = new ZstdOutputStreamNoFinalizer(sink, level);
        zstd.setChecksum(true);
        zstd.setWorkers(WORKERS);
    }

    @Override
    public int read() throws IOException {
        return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (sink.available() == 0) {
            if (ended) {
                return -1;
            }
            int n = in.readNBytes(feed, 0, FEED);
            if (n > 0) {
                zstd.write(feed, 0, n);
            }
            if (n < FEED) {
                // The end of the frame: waits for the workers and writes the checksum.
                zstd.closeWithoutClosingParentStream();
                ended = true;
            }
        }
        return sink.take(b, off, len);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            in.close();
        } finally {
            synchronized (this) {
                if (!ended) {
                    ended = true;
                    try {
                        zstd.closeWithoutClosingParentStream();
                    } catch (IOException e) {
                        // Only freeing zstd's context: the stream was abandoned.
                    }
                }
            }
        }
    }

    /** What zstd has written and the reader has not taken yet. */
    private static final class Sink extends OutputStream {
        private byte[] data = new byte[64 * 1024];
        private int start;
        private int end;

        int available() {
            return end - start;
        }

        int take(byte[] b, int off, int len) {
            int n = Math.min(len, end - start);
            System.arraycopy(data, start, b, off, n);
            start += n;
            if (start == end) {
                start = 0;
                end = 0;
            }
            return n;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (end + len > data.length) {
                if (start > 0) {
                    System.arraycopy(data, start, data, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (end + len > data.length) {
                    data = Arrays.copyOf(data, Math.max(data.length * 2, end + len));
                }
            }
            System.arraycopy(b, off, data, end, len);
            end += len;
        }
    }
}
