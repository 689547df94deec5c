package dev.hoist.image;

import java.io.IOException;

/**
 * A blob cannot be read, or its bytes do not match its digest or size: bad input, not a network
 * failure. An {@link IOException} so it can travel through stream and HTTP body code; it becomes
 * an {@link InvalidImageException} at the engine.
 */
public class BlobVerificationException extends IOException {

    public BlobVerificationException(String message) {
        super(message);
    }
}
