package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;

/** Small stream helpers shared by the streams of this project. */
public final class Streams {

    private Streams() {
    }

    /** A single-byte read in terms of the array read, for streams whose work is done there. */
    public static int readOne(InputStream self) throws IOException {
        var one = new byte[1];
        int n;
        do {
            n = self.read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }
}
