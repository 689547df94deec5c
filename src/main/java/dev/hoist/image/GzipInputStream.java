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
 * the previous 32 KiB of input as its dictionary and ended with a sync flush, so the blocks
 * concatenate into one valid deflate stream; an empty final block ends it. Blocks are compressed by
 * one pool of threads shared by every stream of the process, a few blocks ahead of the reader.
 *
 * <p>A block whose samples look random (random or already compressed data) is written stored:
 * deflating it would cost most of the time and gain nothing. A block that deflates to more than its
 * size is stored too. Every choice depends only on the input,
 * so the output is deterministic: a fixed header (no name, mtime 0, OS "unknown"), level
 * {@value #LEVEL}, and the same bytes and digest for the same input on a given zlib, whatever the
 * number of cores.
 */
public final class GzipInputStream extends InputStream {

    /**
     * The deflate level. 1 because pushing is bound by compression on small machines: measured on
     * this project's 2-core CI machine, zlib level 1 deflates text 6x faster than level 6 for output
     * ~35% larger (crane compresses at level 1 too).
     */
    public static final int LEVEL = 1;
    static final int BLOCK = 128 * 1024;
    private static final int DICTIONARY = 32 * 1024;
    private static final int SAMPLE = 4 * 1024;

    /** Part of every cached compressed digest's key: change the format and old cache entries stop matching. */
    public static final String SCHEME = "gzip-" + LEVEL + "-b" + (BLOCK / 1024) + "e";

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Blocks compressed ahead of the reader, per stream: enough to keep every core busy, bounded in memory. */
    private static final int AHEAD = Math.min(2 * THREADS + 2, 12);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        var t = new Thread(r, "hoist-gzip-" + THREAD_NUMBER.incrementAndGet());
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

    public GzipInputStream(InputStream in) {
        this.in = in;
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
        // Straight into the block's own array: readNBytes(int) would read in 8 KiB pieces and copy them.
        var buffer = new byte[BLOCK];
        int n = in.readNBytes(buffer, 0, BLOCK);
        if (n < BLOCK) {
            inputDone = true;
        }
        var block = n < BLOCK ? Arrays.copyOf(buffer, n) : buffer;
        if (block.length == 0) {
            return;
        }
        crc.update(block, 0, block.length);
        inputCount += block.length;
        var dictionary = previous == null ? null
                : Arrays.copyOfRange(previous, Math.max(0, previous.length - DICTIONARY), previous.length);
        previous = block;
        inFlight.add(POOL.submit(() -> deflate(block, dictionary)));
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

    /** One block as raw deflate ending on a byte boundary (sync flush), not final. */
    static Chunk deflate(byte[] block, byte[] dictionary) {
        if (!compressible(block)) {
            return stored(block);
        }
        var deflater = new Deflater(LEVEL, true);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(block);
            var out = run(deflater, block.length + 64);
            return out.length > block.length + 5 * (block.length / 65_535 + 1) + 5 ? stored(block) : out;
        } finally {
            deflater.end();
        }
    }

    /** {@code c ln c} for every count a sample can hold, so the entropy test needs no logarithm per block. */
    private static final double[] C_LN_C = new double[SAMPLE + 1];
    /** A sample is random-looking when {@code sum(c ln c)} stays at or under this: entropy of 7.5 bits per byte or more. */
    private static final double RANDOM_BELOW;

    static {
        for (int c = 1; c <= SAMPLE; c++) {
            C_LN_C[c] = c * StrictMath.log(c);
        }
        // entropy (nats) = ln N - sum(c ln c) / N, so entropy < 7.5 bits  <=>  sum(c ln c) > N (ln N - 7.5 ln 2)
        RANDOM_BELOW = SAMPLE * (StrictMath.log(SAMPLE) - 7.5 * StrictMath.log(2));
    }

    /**
     * Whether deflating the block is worth it: some of three 4 KiB samples (start, middle, end) has
     * an order-0 entropy under 7.5 bits per byte. Random and already compressed data measure ~7.95;
     * text, code and binaries far less. A histogram costs a fraction of a trial deflate, and the
     * table of {@code c ln c} (StrictMath) gives the same answer on every platform.
     */
    static boolean compressible(byte[] block) {
        if (block.length < 4 * SAMPLE) {
            return true;
        }
        var counts = new int[256];
        for (int offset : new int[] {0, (block.length - SAMPLE) / 2, block.length - SAMPLE}) {
            java.util.Arrays.fill(counts, 0);
            for (int i = offset; i < offset + SAMPLE; i++) {
                counts[block[i] & 0xff]++;
            }
            double sum = 0;
            for (int c : counts) {
                sum += C_LN_C[c];
            }
            if (sum > RANDOM_BELOW) {
                return true;
            }
        }
        return false;
    }

    private static Chunk stored(byte[] block) {
        var deflater = new Deflater(Deflater.NO_COMPRESSION, true);
        try {
            deflater.setInput(block);
            return run(deflater, block.length + 5 * (block.length / 16_384 + 2) + 16);
        } finally {
            deflater.end();
        }
    }

    private static Chunk run(Deflater deflater, int estimate) {
        var out = new byte[estimate];
        int len = 0;
        while (true) {
            int n = deflater.deflate(out, len, out.length - len, Deflater.SYNC_FLUSH);
            len += n;
            if (len < out.length) {
                // A sync flush that did not fill the buffer has written everything.
                return new Chunk(out, len);
            }
            out = Arrays.copyOf(out, out.length * 2);
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
