package dev.hoist.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Quiet by default; {@code -v} turns on debug logs (HTTP exchanges, decisions) and stack traces. */
final class Verbosity {

    private static volatile boolean verbose;

    private Verbosity() {
    }

    static void set(boolean on) {
        verbose = on;
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(on ? Level.DEBUG : Level.WARN);
        ((Logger) LoggerFactory.getLogger("jdk.internal.httpclient")).setLevel(Level.WARN);
    }

    static boolean verbose() {
        return verbose;
    }
}
