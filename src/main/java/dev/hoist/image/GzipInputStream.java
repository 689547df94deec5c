package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Reads an uncompressed stream and yields its gzip form. The output is deterministic: a fixed
 * header (no name, mtime 0, OS "unknown"), one deflate level, and so the same input always gives
 * the same bytes and digest on a given zlib.
 */
public final class GzipInputStream extends InputStream {

    /** Part of every cached compressed digest's key: change it and old cache entries stop matching. */
    public static final int LEVEL = 6;
    public static final String SCHEME = "gzip-" + LEVEL;

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final InputStream in;
    private final Deflater deflater = new Deflater(LEVEL, true);
    private final CRC32 crc = new CRC32();
    private final byte[] input = new byte[64 * 1024];
    private final byte[] pending = new byte[64 * 1024];
    private int pendingPos;
    private int pendingLen;
    private long inputCount;
    private int stage; // 0 header, 1 body, 2 trailer, 3 done

    public GzipInputStream(InputStream in) {
        this.in = in;
        System.arraycopy(HEADER, 0, pending, 0, HEADER.length);
        pendingLen = HEADER.length;
    }

    @Override
    public int read() throws IOException {
        return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pendingPos == pendingLen) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, pendingLen - pendingPos);
        System.arraycopy(pending, pendingPos, b, off, n);
        pendingPos += n;
        return n;
    }

    private boolean fill() throws IOException {
        pendingPos = 0;
        pendingLen = 0;
        switch (stage) {
            case 0 -> stage = 1;
            case 1 -> {
                while (pendingLen == 0) {
                    if (deflater.needsInput() && !deflater.finished()) {
                        int n = in.read(input);
                        if (n < 0) {
                            deflater.finish();
                        } else {
                            crc.update(input, 0, n);
                            inputCount += n;
                            deflater.setInput(input, 0, n);
                        }
                    }
                    pendingLen = deflater.deflate(pending, 0, pending.length);
                    if (pendingLen == 0 && deflater.finished()) {
                        writeTrailer();
                        stage = 3;
                        return true;
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void writeTrailer() {
        long c = crc.getValue();
        long size = inputCount & 0xffffffffL;
        for (int i = 0; i < 4; i++) {
            pending[pendingLen++] = (byte) (c >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            pending[pendingLen++] = (byte) (size >>> (8 * i));
        }
    }

    @Override
    public void close() throws IOException {
        deflater.end();
        in.close();
    }
}
