package dev.hoist.server;

import dev.hoist.shell.Secrets;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The server's audit log: one line per session opened or closed and per command with its result,
 * appended and flushed at once so a crash loses nothing already done. Command lines are written
 * with their secrets masked ({@link #masked}); nothing else that a user typed is written.
 */
final class AuditLog {

    private final Path file;

    AuditLog(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        }
    }

    Path file() {
        return file;
    }

    void write(KeyUser user, String event) {
        var who = user != null ? user.name() + " " + user.fingerprint() : "-";
        var line = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + who + " " + event.replaceAll("[\\r\\n]+", " ") + "\n";
        synchronized (this) {
            // A stream, not a channel: a command thread left interrupted (a cancelled push) must still log its end.
            try (var out = new FileOutputStream(file.toFile(), true)) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the audit log " + file, e);
            }
        }
    }

    /** A command line as it may be logged: quoted where it has spaces, its secrets masked as the shell's history masks them. */
    static String masked(List<String> args) {
        var line = new StringBuilder();
        for (var a : args) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(a.isEmpty() || a.matches(".*\\s.*") ? "'" + a + "'" : a);
        }
        return Secrets.mask(line.toString());
    }
}
