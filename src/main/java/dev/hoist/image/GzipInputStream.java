package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Reads an uncompressed stream and yields its gzip form, compressed on all cores.
 *
 * <p>The input is cut into {@value #BLOCK}-byte blocks, each deflated on its own (pigz style) with
 * the previous 32 KiB of input as its window and ended with a sync flush, so the blocks
 * concatenate into one valid deflate stream; an empty final block ends it. Blocks are compressed by
 * one pool of threads shared by every stream of the process, a few blocks ahead of the reader.
 *
 * <p>By default (level {@value #AUTO}) blocks go through hoist's own encoder ({@link Deflate}): a
 * hash-table matcher like the one of klauspost/compress that skopeo's gzip uses, which on layers of
 * real directories gives zlib's bytes at its per-piece best levels in about 60% of zlib's time
 * (docs/benchmarks.md). Random-looking {@value #PIECE}-byte pieces (order-0 entropy of
 * {@value #STORED_BITS} bits per byte or more: compressed files, random data) are stored: deflate at
 * any level gains under 0.2% on them. A fixed level (1-9) deflates with the JDK's zlib instead,
 * each piece under {@value #STORED_BITS} bits at that level. Every choice depends only on the input
 * (entropy from a table of {@code c ln c} made with StrictMath; the encoder is integer arithmetic),
 * so the output is deterministic: a fixed header (no name, mtime 0, OS "unknown"), and the same
 * bytes and digest for the same input whatever the number of cores (for fixed levels, on a given
 * zlib).
 */
public final class GzipInputStream extends InputStream {

    /** The default level: a level per piece, from its entropy. */
    public static final int AUTO = 0;
    static final int BLOCK = 128 * 1024;
    static final int PIECE = 32 * 1024;
    private static final int DICTIONARY = 32 * 1024;

    /** Part of every cached compressed digest's key: change the format and old cache entries stop matching. */
    public static String scheme(int level) {
        return "gzip-" + (level == AUTO ? "hoist1" : level) + "-b" + (BLOCK / 1024) + "p" + (PIECE / 1024);
    }

    /** The scheme of the default level. */
    public static final String SCHEME = scheme(AUTO);

    /** hoist's encoder, one per compressing thread (its tables are reused from block to block). */
    private static final ThreadLocal<Deflate> ENCODER = ThreadLocal.withInitial(Deflate::new);

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Blocks compressed ahead of the reader, per stream: enough to keep every core busy, bounded in memory. */
    private static final int AHEAD = Math.min(2 * THREADS + 2, 12);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        // One pool for the process, shared by every command: its threads must not keep the
        // thread-locals (the log route) of the command that happened to start them.
        var t = new Thread(null, r, "hoist-gzip-" + THREAD_NUMBER.incrementAndGet(), 0, false);
        t.setDaemon(true);
        return t;
    });

    private final InputStream in;
    private final CRC32 crc = new CRC32();
    private final ArrayDeque<Future<Chunk>> inFlight = new ArrayDeque<>();
    private byte[] previous;
    private long inputCount;
    private boolean inputDone;
    private boolean trailerWritten;
    private Chunk current = new Chunk(HEADER, HEADER.length);
    private int currentPos;
    private volatile boolean closed;

    private final int level;

    public GzipInputStream(InputStream in) {
        this(in, AUTO);
    }

    /** @param level {@value #AUTO} for a level per piece, or 1-9 */
    public GzipInputStream(InputStream in, int level) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("gzip level must be 1 to 9, not " + level);
        }
        this.in = in;
        this.level = level;
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
        while (currentPos == current.length) {
            if (!next()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length - currentPos);
        System.arraycopy(current.data, currentPos, b, off, n);
        currentPos += n;
        return n;
    }

    /** Makes the next piece of output current; false at the end. */
    private boolean next() throws IOException {
        while (!inputDone && inFlight.size() < AHEAD) {
            submitNextBlock();
        }
        if (!inFlight.isEmpty()) {
            // Taken off the queue only once it is there: an interrupted wait loses no block.
            current = await(inFlight.peek());
            inFlight.poll();
        } else if (!trailerWritten) {
            var trailer = trailer();
            current = new Chunk(trailer, trailer.length);
            trailerWritten = true;
        } else {
            return false;
        }
        currentPos = 0;
        return true;
    }

    private void submitNextBlock() throws IOException {
        // The window (the last 32 KiB before the block) first, then the block read straight in after it.
        int window = previous == null ? 0 : DICTIONARY;
        var buffer = new byte[window + BLOCK];
        if (window > 0) {
            System.arraycopy(previous, previous.length - window, buffer, 0, window);
        }
        int n = in.readNBytes(buffer, window, BLOCK);
        if (n < BLOCK) {
            inputDone = true;
        }
        if (n == 0) {
            return;
        }
        crc.update(buffer, window, n);
        inputCount += n;
        previous = n < BLOCK ? Arrays.copyOf(buffer, window + n) : buffer;
        int lv = level;
        inFlight.add(POOL.submit(() -> deflate(buffer, window, window + n, lv)));
    }

    private static Chunk await(Future<Chunk> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        }
    }

    /** Part of the output: the first {@code length} bytes of {@code data}. */
    private record Chunk(byte[] data, int length) {
    }

    /**
     * One block, {@code buf[start, end)} with its window before it, as raw deflate ending on a byte
     * boundary (sync flush), not final.
     */
    static Chunk deflate(byte[] buf, int start, int end, int level) {
        if (level == AUTO) {
            int pieces = (end - start + PIECE - 1) / PIECE;
            var stored = new boolean[pieces];
            for (int k = 0; k < pieces; k++) {
                int off = start + k * PIECE;
                stored[k] = random(buf, off, end);
            }
            var out = ENCODER.get().encode(buf, start, end, stored, PIECE);
            return new Chunk(out, out.length);
        }
        int length = end - start;
        int first = levelOf(buf, start, end, level, -1);
        if (first == 0 && length <= PIECE) {
            return stored(buf, start, end);
        }
        var deflater = new Deflater(first, true);
        try {
            if (start > 0) {
                deflater.setDictionary(buf, Math.max(0, start - DICTIONARY), Math.min(start, DICTIONARY));
            }
            var out = new Output(length + 64);
            int current = first;
            for (int off = start; off < end; off += PIECE) {
                int piece = levelOf(buf, off, end, level, current);
                if (piece != current) {
                    // Everything so far out at the old level before the new one applies (deflateParams).
                    out.flush(deflater);
                    deflater.setLevel(piece);
                    current = piece;
                }
                deflater.setInput(buf, off, Math.min(PIECE, end - off));
                while (!deflater.needsInput()) {
                    out.deflate(deflater, Deflater.NO_FLUSH);
                }
            }
            out.flush(deflater);
            return out.length > length + 5 * (length / 65_535 + 1) + 5 ? stored(buf, start, end) : new Chunk(out.data, out.length);
        } finally {
            deflater.end();
        }
    }

    /** Output of one deflater, grown as needed. */
    private static final class Output {
        byte[] data;
        int length;

        Output(int estimate) {
            data = new byte[estimate];
        }

        void deflate(Deflater deflater, int flush) {
            if (length == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            length += deflater.deflate(data, length, data.length - length, flush);
        }

        /** A sync flush: all input so far out, ending on a byte boundary. */
        void flush(Deflater deflater) {
            do {
                deflate(deflater, Deflater.SYNC_FLUSH);
            } while (length == data.length); // a flush that did not fill the buffer has written everything
        }
    }

    /** {@code c ln c} for every count a piece can hold, so the entropy needs no logarithm per byte value. */
    private static final double[] C_LN_C = new double[PIECE + 1];

    static {
        for (int c = 1; c <= PIECE; c++) {
            C_LN_C[c] = c * StrictMath.log(c);
        }
    }

    /** Entropy of at least this many bits per byte: a piece deflate cannot shrink. */
    static final double STORED_BITS = 7.98;
    /** Smaller than this many bits per byte: short pieces, where a histogram says nothing. */
    private static final int MIN_MEASURED = 4096;

    /**
     * The zlib level of the piece at {@code off} (up to {@code end}) for a fixed level: 0 (stored)
     * for a random-looking one, else {@code fixed}. A piece too short to measure keeps
     * {@code current} (the first one: {@code fixed}).
     */
    static int levelOf(byte[] block, int off, int end, int fixed, int current) {
        int n = Math.min(PIECE, end - off);
        if (n < MIN_MEASURED) {
            return current >= 0 ? current : fixed;
        }
        return bits(block, off, n) >= STORED_BITS ? 0 : fixed;
    }

    /** Whether the piece at {@code off} (up to {@code end}) looks random: long enough to tell, and dense. */
    static boolean random(byte[] block, int off, int end) {
        int n = Math.min(PIECE, end - off);
        return n >= MIN_MEASURED && bits(block, off, n) >= STORED_BITS;
    }

    /** Order-0 entropy of {@code n} bytes at {@code off}, in bits per byte. */
    static double bits(byte[] b, int off, int n) {
        // Four tables: consecutive equal bytes would otherwise wait on each other's increment.
        var counts = new int[4 * 256];
        int i = off;
        int end = off + n;
        for (; i + 3 < end; i += 4) {
            counts[b[i] & 0xff]++;
            counts[256 + (b[i + 1] & 0xff)]++;
            counts[512 + (b[i + 2] & 0xff)]++;
            counts[768 + (b[i + 3] & 0xff)]++;
        }
        for (; i < end; i++) {
            counts[b[i] & 0xff]++;
        }
        double sum = 0;
        for (int v = 0; v < 256; v++) {
            sum += C_LN_C[counts[v] + counts[256 + v] + counts[512 + v] + counts[768 + v]];
        }
        return (StrictMath.log(n) - sum / n) / StrictMath.log(2);
    }

    private static Chunk stored(byte[] buf, int start, int end) {
        var deflater = new Deflater(Deflater.NO_COMPRESSION, true);
        try {
            deflater.setInput(buf, start, end - start);
            var out = new Output(end - start + 5 * ((end - start) / 16_384 + 2) + 16);
            out.flush(deflater);
            return new Chunk(out.data, out.length);
        } finally {
            deflater.end();
        }
    }

    /** An empty final deflate block, then the gzip trailer (CRC-32 and size, little-endian). */
    private byte[] trailer() {
        var out = new byte[2 + 8];
        out[0] = 0x03; // BFINAL=1, fixed Huffman, end-of-block code: 0b0000011 0000000
        out[1] = 0x00;
        long c = crc.getValue();
        long size = inputCount & 0xffffffffL;
        for (int i = 0; i < 4; i++) {
            out[2 + i] = (byte) (c >>> (8 * i));
            out[6 + i] = (byte) (size >>> (8 * i));
        }
        return out;
    }

    /**
     * Safe from another thread (an HTTP client cancelling the upload): only marks the stream closed
     * and closes the source; blocks under way finish on their own and are dropped.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        in.close();
    }
}
