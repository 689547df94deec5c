package dev.hoist.image;


import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Counts (and optionally hashes) the bytes read, telling a listener as they go. */
public final class CountingInputStream extends FilterInputStream {

    private final TransferListener listener;
    private final MessageDigest hash;
    private long count;

    public CountingInputStream(InputStream in, TransferListener listener, boolean hashing) {
        super(in);
        this.listener = listener;
        this.hash = hashing ? Digest.newSha256() : null;
    }

    @Override
    public int read() throws IOException {
        return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            if (hash != null) {
                hash.update(b, off, n);
            }
            listener.transferred(count);
        }
        return n;
    }

    public long count() {
        return count;
    }

    public Digest digest() {
        return Digest.of(hash);
    }
}
