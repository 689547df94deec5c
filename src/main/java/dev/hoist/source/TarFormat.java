package dev.hoist.source;

import dev.hoist.image.InvalidImageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The tar format, shared by the random-access {@link TarTree} and the sequential {@link TarStream}. */
final class TarFormat {

    static final int BLOCK = 512;

    private TarFormat() {
    }

    static Map<String, String> parsePax(String records) {
        var out = new HashMap<String, String>();
        int i = 0;
        var bytes = records.getBytes(StandardCharsets.UTF_8);
        while (i < bytes.length) {
            int space = i;
            while (space < bytes.length && bytes[space] != ' ') {
                space++;
            }
            if (space >= bytes.length) {
                break;
            }
            int len;
            try {
                len = Integer.parseInt(new String(bytes, i, space - i, StandardCharsets.US_ASCII).trim());
            } catch (NumberFormatException e) {
                break;
            }
            if (len <= (space - i) + 1 || i + len > bytes.length) {
                break;
            }
            var record = new String(bytes, space + 1, len - (space - i) - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                out.put(record.substring(0, eq), record.substring(eq + 1));
            }
            i += len;
        }
        return out;
    }


    static String headerName(byte[] h) {
        var name = string(h, 0, 100);
        var magic = string(h, 257, 5);
        if (magic.equals("ustar")) {
            var prefix = string(h, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }


    static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }


    static long parseNumber(byte[] h, int off, int len, long pos, Object file) {
        if ((h[off] & 0x80) != 0) {
            long v = 0;
            for (int i = off + 1; i < off + len; i++) {
                if ((v >>> 55) != 0) {
                    throw new InvalidImageException(file + ": corrupt tar header at byte " + pos + " (size too large)");
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        var s = string(h, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new InvalidImageException(file + ": corrupt tar header at byte " + pos);
        }
    }


    static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }


    static boolean checksumOk(byte[] h) {
        var stored = new StringBuilder();
        for (int i = 148; i < 156 && h[i] != 0; i++) {
            stored.append((char) h[i]);
        }
        long expected;
        try {
            expected = Long.parseLong(stored.toString().trim(), 8);
        } catch (NumberFormatException e) {
            return false;
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (i >= 148 && i < 156) ? ' ' : h[i];
        }
        return expected == unsigned || expected == signed;
    }


    /** Reads at most {@code limit} bytes of the underlying stream. */
    static final class BoundedInputStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, remaining));
            remaining -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }
    }
}
