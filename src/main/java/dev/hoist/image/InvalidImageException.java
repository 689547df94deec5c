package dev.hoist.image;

import dev.hoist.HoistException;

/** The input is not a well-formed image: a bad manifest, a missing or tampered blob. Exit 2. */
public class InvalidImageException extends HoistException {

    public InvalidImageException(String message) {
        super(message, Kind.INPUT);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, Kind.INPUT, cause);
    }
}
