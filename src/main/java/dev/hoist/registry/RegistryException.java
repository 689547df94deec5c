package dev.hoist.registry;

import dev.hoist.HoistException;

import java.time.Duration;

/** A registry answered with an error, or could not be reached. Exit 1. */
public class RegistryException extends HoistException {

    private final int status;
    private final Duration retryAfter;

    public RegistryException(String message, int status, Duration retryAfter) {
        super(message, Kind.REMOTE);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public RegistryException(String message, Throwable cause) {
        super(message, Kind.REMOTE, cause);
        this.status = 0;
        this.retryAfter = null;
    }

    /** The HTTP status, or 0 when the registry did not answer. */
    public int status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** A failure that trying again will not mend, though the registry answered nothing wrong. */
    public static RegistryException permanent(String message) {
        return new RegistryException(message, -1, null);
    }

    /** Whether trying again may help: no answer, 408, 429 and 5xx. */
    public boolean transientFailure() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
