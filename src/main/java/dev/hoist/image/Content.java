package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;

/** Bytes that can be opened as a stream, any number of times, with a name for error messages. */
public interface Content {

    InputStream open() throws IOException;

    /** Where the bytes live, e.g. {@code app.tar: blobs/sha256/ab12...}; shown in error messages. */
    String location();

    /** Content the source does not hold (a foreign layer's blob): opening it fails, saying why. */
    static Content missing(String location, String why) {
        return new Content() {
            @Override
            public InputStream open() throws IOException {
                throw new java.io.FileNotFoundException(why);
            }

            @Override
            public String location() {
                return location;
            }
        };
    }

    /** Opens content, turning a failure into one that names it and counts as bad input, not a network error. */
    static InputStream openOrFail(Content content) throws BlobVerificationException {
        try {
            return content.open();
        } catch (IOException e) {
            throw new BlobVerificationException(content.location() + ": cannot read: " + e.getMessage());
        }
    }
}
