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
}
