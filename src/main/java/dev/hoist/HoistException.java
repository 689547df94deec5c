package dev.hoist;

/**
 * An error with a message meant for the user. Its kind picks the exit code: input and usage
 * problems exit 2, remote failures 1, cancellation 130.
 */
public class HoistException extends RuntimeException {

    public enum Kind {
        USAGE(2), INPUT(2), REMOTE(1), CANCELLED(130);

        public final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final Kind kind;

    public HoistException(String message, Kind kind) {
        super(message);
        this.kind = kind;
    }

    public HoistException(String message, Kind kind, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The first {@link HoistException} in a cause chain, if any. */
    public static HoistException find(Throwable t) {
        for (var c = t; c != null; c = c.getCause()) {
            if (c instanceof HoistException h) {
                return h;
            }
            if (c instanceof dev.hoist.image.BlobVerificationException b) {
                return new dev.hoist.image.InvalidImageException(b.getMessage(), b);
            }
        }
        return null;
    }
}
