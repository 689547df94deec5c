package dev.hoist.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes bytes as they are read and, at the end of the stream, checks the digest and size the
 * descriptor promised. A mismatch throws {@link BlobVerificationException} naming the location.
 */
public final class VerifyingInputStream extends FilterInputStream {

    private final Digest expected;
    private final long expectedSize;
    private final String location;
    private final MessageDigest hash;
    private long count;
    private boolean checked;

    /** @param expectedSize the size to insist on, or -1 when only the digest is known */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String location) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.location = location;
        this.hash = expected.newMessageDigest();
    }

    @Override
    public int read() throws IOException {
        return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            check();
            return -1;
        }
        hash.update(b, off, n);
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw new BlobVerificationException(location + ": blob " + expected + " is longer than the "
                    + expectedSize + " bytes its descriptor says");
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would defeat verification");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check() throws BlobVerificationException {
        if (checked) {
            return;
        }
        checked = true;
        if (expectedSize >= 0 && count != expectedSize) {
            throw new BlobVerificationException(location + ": blob " + expected + " has " + count
                    + " bytes, its descriptor says " + expectedSize);
        }
        var actual = Digest.of(hash);
        if (!actual.equals(expected)) {
            throw new BlobVerificationException(location + ": blob " + expected + " does not match its digest (content hashes to "
                    + actual + "); the file is corrupt or was tampered with");
        }
    }
}
