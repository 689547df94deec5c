package dev.hoist.server;

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
import java.util.Set;

/**
 * The server's audit log: one line per session opened or closed and per command with its result,
 * appended and flushed at once so a crash loses nothing already done. Command lines are written
 * with their secrets masked ({@link #masked}); nothing else that a user typed is written.
 */
final class AuditLog {

    private static final Set<String> SECRET_OPTIONS = Set.of("--password", "--token");

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

    /** A command line as it may be logged: the values of {@code -p}, {@code --password} and {@code --token} masked. */
    static String masked(List<String> args) {
        var out = new StringBuilder();
        boolean maskNext = false;
        for (var a : args) {
            String shown;
            if (maskNext) {
                shown = "***";
                maskNext = false;
            } else if (a.startsWith("--") && SECRET_OPTIONS.contains(a)) {
                shown = a;
                maskNext = true;
            } else if (a.startsWith("--password=") || a.startsWith("--token=")) {
                shown = a.substring(0, a.indexOf('=') + 1) + "***";
            } else if (a.matches("-[A-Za-z]*p.*")) {
                // -p clustered with other short flags (-qp SECRET, -qpSECRET) or with its value (-pSECRET).
                var p = a.indexOf('p');
                maskNext = p == a.length() - 1;
                shown = maskNext ? a : a.substring(0, p + 1) + "***";
            } else {
                shown = a;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(shown.isEmpty() || shown.matches(".*\\s.*") ? "'" + shown + "'" : shown);
        }
        return out.toString();
    }
}
