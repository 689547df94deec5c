package dev.hoist.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Quiet by default; {@code -v} turns on debug logs (HTTP exchanges, decisions) and stack traces. */
final class Verbosity {

    private static volatile boolean verbose;
    /** Set by a server: commands of many sessions run in one JVM, and one must not take the others' logs. */
    private static volatile boolean pinned;

    private Verbosity() {
    }

    /** Sends log lines to {@code err}, the stream the command was given, so they land with its other output. */
    static void attach(java.io.PrintStream err) {
        if (pinned) {
            return;
        }
        var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var layout = new LogSetup.Layout();
        layout.setContext(context);
        layout.start();
        var encoder = new ch.qos.logback.core.encoder.LayoutWrappingEncoder<ch.qos.logback.classic.spi.ILoggingEvent>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        var appender = new ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.setContext(context);
        appender.setName("hoist-err");
        appender.setEncoder(encoder);
        appender.setOutputStream(new java.io.FilterOutputStream(err) {
            @Override
            public void close() {
                // The command's stream outlives the appender.
            }
        });
        appender.setImmediateFlush(true);
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(Level.WARN);
        verbose = false;
    }

    static void set(boolean on) {
        if (pinned) {
            return;
        }
        verbose = on;
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(on ? Level.DEBUG : Level.WARN);
        // Wire-level logs of the HTTP libraries are noise, and slow a daemon export to a crawl.
        for (var quiet : new String[]{"jdk.internal.httpclient", "org.apache.hc", "com.github.dockerjava", "com.google"}) {
            ((Logger) LoggerFactory.getLogger(quiet)).setLevel(on ? Level.INFO : Level.WARN);
        }
    }

    /** Keeps the logs where they are now (the server's own stderr) for the rest of the process. */
    static void pin() {
        pinned = true;
    }

    static boolean verbose() {
        return verbose;
    }
}
