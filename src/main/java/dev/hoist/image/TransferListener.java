package dev.hoist.image;

import java.io.IOException;

/**
 * Told how many bytes of a blob have gone out so far in the current attempt. It may throw to stop
 * the transfer, which is how a cancelled push aborts an upload in flight.
 */
@FunctionalInterface
public interface TransferListener {

    TransferListener NONE = bytes -> { };

    void transferred(long bytes) throws IOException;

    /**
     * Told how many bytes have gone out so far in the current attempt when that differs from what
     * {@link #transferred} counts: a layer compressed on its way out, where {@code transferred}
     * counts the source's bytes read (progress against the layer's size) and this the compressed
     * bytes sent, which is what a bandwidth limit holds. Such a transfer says {@code sent(0)}
     * before it reads its source, so the limit never counts the source's bytes it reads ahead.
     */
    default void sent(long bytes) throws IOException {
    }
}
