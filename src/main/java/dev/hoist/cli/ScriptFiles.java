package dev.hoist.cli;

import dev.hoist.dsl.HoistSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The script of {@code run} and {@code check}: a file, or standard input for {@code -} ({@code ssh HOST hoist run - < plan.groovy}). */
final class ScriptFiles {

    private ScriptFiles() {
    }

    static void evaluate(HoistSession session, Path file, Main.Io io) {
        if (!file.toString().equals("-")) {
            session.evaluate(file);
            return;
        }
        String text;
        try {
            text = new String(io.in().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("standard input: " + e.getMessage(), e);
        }
        // Problems name it <stdin>; relative paths and include start from the working directory.
        session.evaluate(text, Path.of("").toAbsolutePath().resolve("<stdin>"));
    }
}
