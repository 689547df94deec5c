package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;

import java.time.Duration;

/**
 * How one image's push went.
 *
 * @param digest the manifest (or index) digest in the registry, null when it failed
 * @param error one line saying why it failed, null when it succeeded
 * @param errorKind what kind of failure it was (bad input or a remote failure), null when it succeeded
 */
public record ImageResult(String source, ImageRef target, Digest digest, String mediaType, boolean upToDate,
                          long bytesRead, long bytesSent, int blobsUploaded, int blobsSkipped, int blobsMounted,
                          Duration duration, String error, HoistException.Kind errorKind) {

    public boolean ok() {
        return error == null;
    }
}
