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
 * <p>Inside a block, each {@value #PIECE}-byte piece gets its own deflate level from its order-0
 * entropy, switched with {@code setLevel} after a sync flush in the one deflater (so matches still
 * reach back into the previous pieces): real layers mix text, code, binaries and already compressed
 * files at file granularity, and each kind has its best trade of time for bytes (measured on a
 * layer set of real directories, docs/benchmarks.md). By default (level {@value #AUTO}, "auto"):
 * <ul>
 *   <li>random-looking pieces (entropy of 7.98 bits per byte or more: compressed files, random
 *       data) are stored: deflate at any level gains under 0.2% on them at the cost of a level-1 pass;</li>
 *   <li>dense pieces (7.0 to 7.98: tables, packed binaries) at level 1, where more search finds nothing;</li>
 *   <li>machine code and the like (6.0 to 7.0) at level 2;</li>
 *   <li>text, class files, the rest (1.0 to 6.0) at level 4, the first lazy-matching level: 6-9% smaller
 *       than level 1 there for ~40% more time, while levels 5 and 6 cost 2x-3x more for 1-2% less;</li>
 *   <li>near-constant pieces (under 1.0: zeros of sparse files, padding) at level 1 again: any level
 *       shrinks them ~1000x, and level 4 would take twice the time over its long matches.</li>
 * </ul>
 * A fixed level (1-9) deflates every piece under 7.98 bits at that level. A block that deflates
 * to more than its size is stored whole. Every choice depends only on the input (entropy from a
 * table of {@code c ln c} made with StrictMath), so the output is deterministic: a fixed header (no
 * name, mtime 0, OS "unknown"), and the same bytes and digest for the same input on a given zlib,
 * whatever the number of cores.
 */
public final class GzipInputStream extends InputStream {

    /** The default level: a level per piece, from its entropy. */
    public static final int AUTO = 0;
    static final int BLOCK = 128 * 1024;
    static final int PIECE = 32 * 1024;
    private static final int DICTIONARY = 32 * 1024;

    /** Part of every cached compressed digest's key: change the format and old cache entries stop matching. */
    public static String scheme(int level) {
        return "gzip-" + (level == AUTO ? "auto" : level) + "-b" + (BLOCK / 1024) + "p" + (PIECE / 1024);
    }

    /** The scheme of the default level. */
    public static final String SCHEME = scheme(AUTO);

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
        int lv = level;
        inFlight.add(POOL.submit(() -> deflate(block, dictionary, lv)));
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
    static Chunk deflate(byte[] block, byte[] dictionary, int level) {
        int first = levelOf(block, 0, level, -1);
        if (first == 0 && block.length <= PIECE) {
            return stored(block);
        }
        var deflater = new Deflater(first, true);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary);
            }
            var out = new Output(block.length + 64);
            int current = first;
            for (int off = 0; off < block.length; off += PIECE) {
                int piece = levelOf(block, off, level, current);
                if (piece != current) {
                    // Everything so far out at the old level before the new one applies (deflateParams).
                    out.flush(deflater);
                    deflater.setLevel(piece);
                    current = piece;
                }
                deflater.setInput(block, off, Math.min(PIECE, block.length - off));
                while (!deflater.needsInput()) {
                    out.deflate(deflater, Deflater.NO_FLUSH);
                }
            }
            out.flush(deflater);
            return out.length > block.length + 5 * (block.length / 65_535 + 1) + 5 ? stored(block) : new Chunk(out.data, out.length);
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
     * The level of the piece at {@code off}: 0 (stored) for a random-looking one, else
     * {@code fixed}, or for {@link #AUTO} the level of its entropy class. A piece too short to
     * measure keeps {@code current} (the first one, the top level).
     */
    static int levelOf(byte[] block, int off, int fixed, int current) {
        int n = Math.min(PIECE, block.length - off);
        if (n < MIN_MEASURED) {
            return current >= 0 ? current : fixed == AUTO ? 4 : fixed;
        }
        double bits = bits(block, off, n);
        if (bits >= STORED_BITS) {
            return 0;
        }
        if (fixed != AUTO) {
            return fixed;
        }
        return bits >= 7.0 ? 1 : bits >= 6.0 ? 2 : bits >= 1.0 ? 4 : 1;
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

    private static Chunk stored(byte[] block) {
        var deflater = new Deflater(Deflater.NO_COMPRESSION, true);
        try {
            deflater.setInput(block);
            var out = new Output(block.length + 5 * (block.length / 16_384 + 2) + 16);
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
