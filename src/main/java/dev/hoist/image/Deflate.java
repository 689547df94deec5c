package dev.hoist.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A deflate encoder (RFC 1951) in Java, for the default gzip level: a hash-table matcher in the
 * manner of Snappy and of klauspost/compress's fast levels, which skopeo's gzip uses, instead of
 * zlib's hash chains. On layers of real directories zlib spends about twice the time for the same
 * bytes (docs/benchmarks.md); this matcher looks up one recent position per hash in two tables
 * (4 bytes and 7 bytes), extends a hit both ways, looks one byte ahead for a longer match, and
 * skips faster the longer it finds nothing, so incompressible stretches cost little.
 *
 * <p>One instance per thread (its tables are reused between blocks). {@link #encode} turns one
 * block, primed with the bytes before it, into non-final deflate blocks ending on a byte boundary
 * (the empty stored block of a sync flush), so blocks compressed apart concatenate into one stream.
 * Every decision is integer arithmetic on the input: the same block gives the same bytes on every
 * machine, JVM and number of cores.
 */
final class Deflate {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    static final int WINDOW = 32 * 1024;
    private static final int MIN_MATCH = 4;
    private static final int MAX_MATCH = 258;
    /** Tokens per Huffman block: statistics fresh enough for mixed content, headers amortised. */
    private static final int BLOCK_TOKENS = 1 << 13;
    private static final int SHORT_BITS = 15;
    private static final int LONG_BITS = 16;
    /**
     * Misses before the step grows: every 2^SKIP_LOG bytes without a match, one more byte skipped
     * (on real layers 6 gave 0.5% more bytes than 8, 10 0.15% fewer for ~8% more time).
     */
    private static final int SKIP_LOG = 8;
    /**
     * Matches longer than this insert only their first and last half of it: runs of zeros and long
     * repeats would otherwise cost a table store per byte (8% of the time on real layers, for 0.08%
     * of the bytes).
     */
    private static final int LONG_INSERT = 32;

    // --- the format's tables -------------------------------------------------------------------

    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
            67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
            5, 5, 5, 5, 0};
    private static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
            769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    private static final int[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
            11, 11, 12, 12, 13, 13};
    /** Code-length code lengths are sent in this order (RFC 1951 3.2.7). */
    private static final int[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    /** Length code (0-28, add 257) by length - 3. */
    private static final byte[] LENGTH_CODE = new byte[256];
    /** Distance code by distance - 1, for distances up to 256; above, by (distance - 1) >> 7. */
    private static final byte[] DIST_CODE_SMALL = new byte[256];
    private static final byte[] DIST_CODE_LARGE = new byte[256];
    private static final byte[] FIXED_LIT_LENGTHS = new byte[288];
    private static final byte[] FIXED_DIST_LENGTHS = new byte[30];
    private static final int[] FIXED_LIT_CODES;
    private static final int[] FIXED_DIST_CODES;

    static {
        for (int code = 0; code < LENGTH_BASE.length; code++) {
            for (int len = LENGTH_BASE[code]; len < LENGTH_BASE[code] + (1 << LENGTH_EXTRA[code]) && len <= MAX_MATCH; len++) {
                LENGTH_CODE[len - 3] = (byte) code;
            }
        }
        for (int code = 0; code < DIST_BASE.length; code++) {
            for (int d = DIST_BASE[code]; d < DIST_BASE[code] + (1 << DIST_EXTRA[code]); d++) {
                if (d <= 256) {
                    DIST_CODE_SMALL[d - 1] = (byte) code;
                } else {
                    DIST_CODE_LARGE[(d - 1) >> 7] = (byte) code;
                }
            }
        }
        Arrays.fill(FIXED_LIT_LENGTHS, 0, 144, (byte) 8);
        Arrays.fill(FIXED_LIT_LENGTHS, 144, 256, (byte) 9);
        Arrays.fill(FIXED_LIT_LENGTHS, 256, 280, (byte) 7);
        Arrays.fill(FIXED_LIT_LENGTHS, 280, 288, (byte) 8);
        Arrays.fill(FIXED_DIST_LENGTHS, (byte) 5);
        FIXED_LIT_CODES = codes(FIXED_LIT_LENGTHS, 288);
        FIXED_DIST_CODES = codes(FIXED_DIST_LENGTHS, 30);
    }

    static int distCode(int distance) {
        int d = distance - 1;
        return d < 256 ? DIST_CODE_SMALL[d] : DIST_CODE_LARGE[d >> 7];
    }

    // --- state, reused between blocks --------------------------------------------------------------

    /** Position + {@link #base} of the last place each hash was seen; older than the window: stale. */
    private final int[] shortTable = new int[1 << SHORT_BITS];
    private final int[] longTable = new int[1 << LONG_BITS];
    /** The largest {@code end} of {@link #encode}: a block and the window before it. */
    static final int MAX_BUFFER = 1 << 19;
    /** Added to positions in the tables, raised by {@link #MAX_BUFFER} per block: no table reset. */
    private int base = MAX_BUFFER;
    /** Literal (0-255) or match: bit 31, (length - 3) in bits 15-22, distance - 1 in bits 0-14. */
    private final int[] tokens = new int[BLOCK_TOKENS + 1];
    private int tokenCount;
    private int tokenStart;
    private final int[] litFreq = new int[286];
    private final int[] distFreq = new int[30];
    private final byte[] litLengths = new byte[286];
    private final byte[] distLengths = new byte[30];
    private final Out out = new Out();

    /**
     * Deflates {@code buf[start, end)}, which may refer back to {@code buf[max(0, start - WINDOW), start)}.
     * Stretches flagged in {@code stored} (one flag per {@code piece} bytes from {@code start}) are
     * sent as they are. Returns the output in a fresh array; ends with a sync flush, not final.
     */
    byte[] encode(byte[] buf, int start, int end, boolean[] stored, int piece) {
        out.reset(end - start + (end - start) / 8 + 1024);
        if (end > MAX_BUFFER) {
            throw new IllegalArgumentException("a block and its window are at most " + MAX_BUFFER + " bytes, not " + end);
        }
        if (base > Integer.MAX_VALUE - 2 * MAX_BUFFER) {
            Arrays.fill(shortTable, 0);
            Arrays.fill(longTable, 0);
            base = MAX_BUFFER;
        }
        // Every entry of earlier blocks now lies before position 0: rejected without a reset.
        base += MAX_BUFFER;
        prime(buf, Math.max(0, start - WINDOW), start);
        boolean lastStored = false;
        int p = start;
        int k = 0;
        while (p < end) {
            int q = p;
            boolean store = stored != null && stored[k];
            while (q < end && (stored != null && stored[k]) == store) {
                q = Math.min(end, q + piece);
                k++;
            }
            if (store) {
                writeStored(buf, p, q);
                lastStored = true;
            } else {
                match(buf, p, q);
                lastStored = false;
            }
            p = q;
        }
        if (!lastStored) {
            // The empty stored block of a sync flush: the next block starts on a byte boundary.
            out.bits(0, 3);
            out.align();
            out.bytes4(0xffff0000);
        }
        return out.toArray();
    }

    /** The window before the block into the tables, every second position: half the time, 0.04% more bytes. */
    private void prime(byte[] buf, int from, int to) {
        for (int i = from; i + 8 <= to; i += 2) {
            long cv = load64(buf, i);
            shortTable[hash4(cv)] = i + base;
            longTable[hash7(cv)] = i + base;
        }
    }

    private static long load64(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    private static int load32(byte[] b, int i) {
        return (int) INT.get(b, i);
    }

    private static int hash4(long cv) {
        return ((int) cv * 0x9E3779B1) >>> (32 - SHORT_BITS);
    }

    private static int hash7(long cv) {
        return (int) (((cv << 8) * 0xCF1BBCDCB7A56463L) >>> (64 - LONG_BITS));
    }

    /** Length of the common run of {@code b[a..]} and {@code b[c..]} (a before c), at most {@code max}. */
    private static int extend(byte[] b, int a, int c, int max) {
        if (max >= 8) {
            long x = load64(b, a) ^ load64(b, c);
            if (x != 0) {
                return Long.numberOfTrailingZeros(x) >>> 3;
            }
            // A long match: the JDK's vectorized compare takes 32 bytes a step.
            int m = Arrays.mismatch(b, a + 8, a + max, b, c + 8, c + max);
            return m < 0 ? max : 8 + m;
        }
        int n = 0;
        while (n < max && b[a + n] == b[c + n]) {
            n++;
        }
        return n;
    }

    /** LZ77 over {@code buf[from, to)}: tokens, flushed as Huffman blocks when full and at the end. */
    private void match(byte[] buf, int from, int to) {
        tokenStart = from;
        tokenCount = 0;
        int s = from;
        int emit = from;
        // Hashing reads 8 bytes; the last ones are literals.
        int limit = to - 8;
        final int[] st = shortTable;
        final int[] lt = longTable;
        final int b = base;
        while (s < limit) {
            long cv = load64(buf, s);
            int hs = hash4(cv);
            int hl = hash7(cv);
            int cs = st[hs] - b;
            int cl = lt[hl] - b;
            st[hs] = s + b;
            lt[hl] = s + b;
            int cand;
            int len;
            if (s - cl <= WINDOW && cl >= 0 && load64(buf, cl) << 8 == cv << 8) {
                cand = cl;
                len = 7 + extend(buf, cl + 7, s + 7, Math.min(MAX_MATCH, to - s) - 7);
            } else if (s - cs <= WINDOW && cs >= 0 && load32(buf, cs) == (int) cv) {
                cand = cs;
                len = 4 + extend(buf, cs + 4, s + 4, Math.min(MAX_MATCH, to - s) - 4);
                // One byte on: a long-hash hit there that runs further wins (the byte here goes as a literal).
                if (s + 1 < limit) {
                    long cv1 = load64(buf, s + 1);
                    int h1 = hash7(cv1);
                    int c1 = lt[h1] - b;
                    lt[h1] = s + 1 + b;
                    if (s + 1 - c1 <= WINDOW && c1 >= 0 && load64(buf, c1) << 8 == cv1 << 8) {
                        int len1 = 7 + extend(buf, c1 + 7, s + 8, Math.min(MAX_MATCH, to - s - 1) - 7);
                        if (len1 > len) {
                            s++;
                            cand = c1;
                            len = len1;
                        }
                    }
                }
            } else {
                s += 1 + ((s - emit) >> SKIP_LOG);
                continue;
            }
            // Back over bytes that match before the hit, while they are still unsent literals.
            while (s > emit && cand > 0 && len < MAX_MATCH && buf[s - 1] == buf[cand - 1]) {
                s--;
                cand--;
                len++;
            }
            literals(buf, emit, s);
            matchToken(buf, len, s - cand, s + len);
            int next = s + len;
            // The positions inside the match, so the next repeat of this text finds the nearest copy
            // (on real layers 1.1% fewer bytes than the first and last two only, for ~10% more time).
            if (next < limit) {
                int skipFrom = len > LONG_INSERT ? s + LONG_INSERT / 2 : next;
                int skipTo = len > LONG_INSERT ? next - LONG_INSERT / 2 : next;
                for (int i = s + 1; i < next; i++) {
                    if (i == skipFrom) {
                        i = skipTo;
                    }
                    long ci = load64(buf, i);
                    st[hash4(ci)] = i + b;
                    lt[hash7(ci)] = i + b;
                }
            }
            s = next;
            emit = next;
        }
        literals(buf, emit, to);
        flushTokens(buf, to);
    }

    /** {@code buf[from, to)} as literal tokens; the count in a local, as this runs for every byte not matched. */
    private void literals(byte[] buf, int from, int to) {
        final int[] tk = tokens;
        final int[] freq = litFreq;
        int count = tokenCount;
        for (int i = from; i < to; i++) {
            int v = buf[i] & 0xff;
            freq[v]++;
            tk[count++] = v;
            if (count == BLOCK_TOKENS) {
                tokenCount = count;
                flushTokens(buf, i + 1);
                count = 0;
            }
        }
        tokenCount = count;
    }

    private void matchToken(byte[] buf, int len, int distance, int end) {
        tokens[tokenCount++] = 0x8000_0000 | (len - 3) << 15 | (distance - 1);
        litFreq[257 + LENGTH_CODE[len - 3]]++;
        distFreq[distCode(distance)]++;
        if (tokenCount == BLOCK_TOKENS) {
            flushTokens(buf, end);
        }
    }

    /** The tokens so far as one block (dynamic, fixed or stored, whichever is smallest); they cover buf[tokenStart, rawEnd). */
    private void flushTokens(byte[] buf, int rawEnd) {
        if (tokenCount == 0) {
            tokenStart = rawEnd;
            return;
        }
        litFreq[256] = 1;
        lengths(litFreq, 286, 15, litLengths);
        lengths(distFreq, 30, 15, distLengths);
        int hlit = 286;
        while (hlit > 257 && litLengths[hlit - 1] == 0) {
            hlit--;
        }
        int hdist = 30;
        while (hdist > 1 && distLengths[hdist - 1] == 0) {
            hdist--;
        }
        // The code lengths of both alphabets, run-length coded (symbols 16, 17, 18) as one sequence.
        var all = new byte[hlit + hdist];
        System.arraycopy(litLengths, 0, all, 0, hlit);
        System.arraycopy(distLengths, 0, all, hlit, hdist);
        var clSymbols = new int[all.length];
        int clCount = runLengths(all, clSymbols);
        var clFreq = new int[19];
        for (int i = 0; i < clCount; i++) {
            clFreq[clSymbols[i] & 0x1f]++;
        }
        var clLengths = new byte[19];
        lengths(clFreq, 19, 7, clLengths);
        int hclen = 19;
        while (hclen > 4 && clLengths[CL_ORDER[hclen - 1]] == 0) {
            hclen--;
        }
        long dynamicBits = 3 + 5 + 5 + 4 + 3L * hclen;
        for (int i = 0; i < clCount; i++) {
            int sym = clSymbols[i] & 0x1f;
            dynamicBits += clLengths[sym] + (sym == 16 ? 2 : sym == 17 ? 3 : sym == 18 ? 7 : 0);
        }
        long fixedBits = 3;
        for (int sym = 0; sym < 286; sym++) {
            if (litFreq[sym] != 0) {
                long extra = sym > 256 ? LENGTH_EXTRA[sym - 257] : 0;
                dynamicBits += (long) litFreq[sym] * (litLengths[sym] + extra);
                fixedBits += (long) litFreq[sym] * (FIXED_LIT_LENGTHS[sym] + extra);
            }
        }
        for (int sym = 0; sym < 30; sym++) {
            if (distFreq[sym] != 0) {
                dynamicBits += (long) distFreq[sym] * (distLengths[sym] + DIST_EXTRA[sym]);
                fixedBits += (long) distFreq[sym] * (5 + DIST_EXTRA[sym]);
            }
        }
        int raw = rawEnd - tokenStart;
        long storedBits = out.bitsToAlign(3) + 8L * (raw + 5L * ((raw + 65_534) / 65_535));
        out.ensure(raw + raw / 4 + 1024);
        if (storedBits <= dynamicBits && storedBits <= fixedBits) {
            writeStored(buf, tokenStart, rawEnd);
        } else if (fixedBits <= dynamicBits) {
            out.bits(0b010, 3); // BFINAL=0, BTYPE=01
            writeTokens(FIXED_LIT_CODES, FIXED_LIT_LENGTHS, FIXED_DIST_CODES, FIXED_DIST_LENGTHS);
        } else {
            out.bits(0b100, 3); // BFINAL=0, BTYPE=10
            out.bits(hlit - 257, 5);
            out.bits(hdist - 1, 5);
            out.bits(hclen - 4, 4);
            for (int i = 0; i < hclen; i++) {
                out.bits(clLengths[CL_ORDER[i]], 3);
            }
            int[] clCodes = codes(clLengths, 19);
            for (int i = 0; i < clCount; i++) {
                int sym = clSymbols[i] & 0x1f;
                out.bits(clCodes[sym], clLengths[sym]);
                int extra = clSymbols[i] >>> 8;
                if (sym == 16) {
                    out.bits(extra, 2);
                } else if (sym == 17) {
                    out.bits(extra, 3);
                } else if (sym == 18) {
                    out.bits(extra, 7);
                }
            }
            writeTokens(codes(litLengths, 286), litLengths, codes(distLengths, 30), distLengths);
        }
        tokenCount = 0;
        tokenStart = rawEnd;
        Arrays.fill(litFreq, 0);
        Arrays.fill(distFreq, 0);
    }

    /**
     * The tokens in the given codes, then end-of-block. The bit accumulator lives in locals here:
     * this loop is most of the encoder's time, and fields would be stored on every token.
     */
    private void writeTokens(int[] litCodes, byte[] litLen, int[] distCodes, byte[] distLen) {
        // Code and length in one int per symbol: code in the low 24 bits, its bit count above.
        final int[] lit = new int[286];
        for (int i = 0; i < 286; i++) {
            lit[i] = litCodes[i] | litLen[i] << 24;
        }
        final int[] dist = new int[30];
        for (int i = 0; i < 30; i++) {
            dist[i] = distCodes[i] | distLen[i] << 24;
        }
        final Out o = out;
        o.ensure(tokenCount * 6 + 16);
        final byte[] data = o.data;
        int length = o.length;
        long acc = o.acc;
        int count = o.count;
        final int[] tk = tokens;
        for (int i = 0, n = tokenCount; i < n; i++) {
            int t = tk[i];
            if (t >= 0) {
                int c = lit[t];
                acc |= (long) (c & 0xffffff) << count;
                count += c >>> 24;
            } else {
                int l = (t >>> 15) & 0xff;
                int lc = LENGTH_CODE[l];
                int c = lit[257 + lc];
                acc |= (long) (c & 0xffffff) << count;
                count += c >>> 24;
                int le = LENGTH_EXTRA[lc];
                acc |= (long) (l + 3 - LENGTH_BASE[lc]) << count;
                count += le;
                if (count >= 32) {
                    INT.set(data, length, (int) acc);
                    length += 4;
                    acc >>>= 32;
                    count -= 32;
                }
                int d = t & 0x7fff;
                int dc = d < 256 ? DIST_CODE_SMALL[d] : DIST_CODE_LARGE[d >> 7];
                int e = dist[dc];
                acc |= (long) (e & 0xffffff) << count;
                count += e >>> 24;
                acc |= (long) (d + 1 - DIST_BASE[dc]) << count;
                count += DIST_EXTRA[dc];
            }
            if (count >= 32) {
                INT.set(data, length, (int) acc);
                length += 4;
                acc >>>= 32;
                count -= 32;
            }
        }
        o.length = length;
        o.acc = acc;
        o.count = count;
        o.bits(litCodes[256], litLen[256]);
    }

    private void writeStored(byte[] buf, int from, int to) {
        int p = from;
        do {
            int n = Math.min(65_535, to - p);
            out.ensure(n + 16);
            out.bits(0, 3); // BFINAL=0, BTYPE=00
            out.align();
            out.bytes4(n | (~n & 0xffff) << 16);
            out.raw(buf, p, n);
            p += n;
        } while (p < to);
    }

    /**
     * Code lengths as run-length symbols: each entry is the symbol (0-18) in its low bits and, for
     * 16, 17 and 18, the repeat count's extra bits from bit 8 (RFC 1951 3.2.7, as zlib's scan_tree).
     */
    private static int runLengths(byte[] lens, int[] symbols) {
        int n = 0;
        int i = 0;
        while (i < lens.length) {
            int v = lens[i];
            int run = 1;
            while (i + run < lens.length && lens[i + run] == v) {
                run++;
            }
            i += run;
            if (v == 0) {
                while (run >= 11) {
                    int r = Math.min(run, 138);
                    symbols[n++] = 18 | (r - 11) << 8;
                    run -= r;
                }
                if (run >= 3) {
                    symbols[n++] = 17 | (run - 3) << 8;
                    run = 0;
                }
            } else {
                symbols[n++] = v;
                run--;
                while (run >= 3) {
                    int r = Math.min(run, 6);
                    symbols[n++] = 16 | (r - 3) << 8;
                    run -= r;
                }
            }
            while (run-- > 0) {
                symbols[n++] = v;
            }
        }
        return n;
    }

    /**
     * Huffman code lengths of at most {@code maxBits} for {@code freq[0, n)}: a Huffman tree by two
     * queues over the symbols sorted by frequency, then lengths over the limit folded back (as miniz
     * does: the Kraft sum is repaired by lengthening the deepest shorter codes). At least two codes
     * are made, so every code is complete.
     */
    static void lengths(int[] freq, int n, int maxBits, byte[] out) {
        Arrays.fill(out, 0, n, (byte) 0);
        // Symbols with a frequency, sorted by (frequency, symbol): a long key sorts both at once.
        var keys = new long[n + 2];
        int m = 0;
        for (int s = 0; s < n; s++) {
            if (freq[s] != 0) {
                keys[m++] = (long) freq[s] << 16 | s;
            }
        }
        for (int s = 0; m < 2 && s < n; s++) {
            if (freq[s] == 0) {
                keys[m++] = 1L << 16 | s;
            }
        }
        Arrays.sort(keys, 0, m);
        var weight = new long[2 * m];
        var parent = new int[2 * m];
        for (int i = 0; i < m; i++) {
            weight[i] = keys[i] >>> 16;
        }
        int leaf = 0;
        int inner = m;
        for (int next = m; next < 2 * m - 1; next++) {
            int a = leaf < m && (inner >= next || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
            int b = leaf < m && (inner >= next || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
            weight[next] = weight[a] + weight[b];
            parent[a] = next;
            parent[b] = next;
        }
        var depth = new int[2 * m];
        var count = new int[Math.max(maxBits, 2 * m) + 1];
        for (int i = 2 * m - 3; i >= 0; i--) {
            depth[i] = depth[parent[i]] + 1;
        }
        for (int i = 0; i < m; i++) {
            count[Math.min(depth[i], maxBits)]++;
        }
        long kraft = 0;
        for (int len = maxBits; len > 0; len--) {
            kraft += (long) count[len] << (maxBits - len);
        }
        while (kraft > 1L << maxBits) {
            count[maxBits]--;
            for (int len = maxBits - 1; len > 0; len--) {
                if (count[len] != 0) {
                    count[len]--;
                    count[len + 1] += 2;
                    break;
                }
            }
            kraft--;
        }
        // The least frequent symbols (first in sorted order) take the longest codes.
        int i = 0;
        for (int len = maxBits; len > 0; len--) {
            for (int c = count[len]; c > 0; c--) {
                out[(int) (keys[i++] & 0xffff)] = (byte) len;
            }
        }
    }

    /** Canonical codes for {@code lengths}, bit-reversed for deflate's least-significant-bit-first order. */
    static int[] codes(byte[] lengths, int n) {
        var count = new int[16];
        for (int s = 0; s < n; s++) {
            count[lengths[s]]++;
        }
        count[0] = 0;
        var next = new int[16];
        int code = 0;
        for (int len = 1; len < 16; len++) {
            code = (code + count[len - 1]) << 1;
            next[len] = code;
        }
        var codes = new int[n];
        for (int s = 0; s < n; s++) {
            int len = lengths[s];
            if (len != 0) {
                codes[s] = Integer.reverse(next[len]++) >>> (32 - len);
            }
        }
        return codes;
    }

    /** Bits out, least significant first, through a 64-bit accumulator. */
    private static final class Out {
        byte[] data = new byte[0];
        int length;
        long acc;
        int count;

        void reset(int estimate) {
            if (data.length < estimate) {
                data = new byte[estimate];
            }
            length = 0;
            acc = 0;
            count = 0;
        }

        void ensure(int more) {
            if (length + more + 16 > data.length) {
                data = Arrays.copyOf(data, Math.max(2 * data.length, length + more + 16));
            }
        }

        void bits(int value, int n) {
            acc |= (long) value << count;
            count += n;
            if (count >= 32) {
                INT.set(data, length, (int) acc);
                length += 4;
                acc >>>= 32;
                count -= 32;
            }
        }

        /** Bits of padding that {@link #align} would add after {@code pending} more bits. */
        long bitsToAlign(int pending) {
            return (8 - (count + pending) % 8) % 8 + pending;
        }

        void align() {
            while (count > 0) {
                data[length++] = (byte) acc;
                acc >>>= 8;
                count = Math.max(0, count - 8);
            }
            acc = 0;
        }

        void bytes4(int v) {
            INT.set(data, length, v);
            length += 4;
        }

        void raw(byte[] b, int off, int n) {
            System.arraycopy(b, off, data, length, n);
            length += n;
        }

        byte[] toArray() {
            return Arrays.copyOf(data, length);
        }
    }
}
