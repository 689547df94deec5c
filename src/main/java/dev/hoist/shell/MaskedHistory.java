package dev.hoist.shell;

import org.jline.reader.impl.history.DefaultHistory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * JLine's history with secrets masked before a line is kept, in memory and in the file: what
 * Ctrl-R and the arrows bring back is what the file holds.
 */
final class MaskedHistory extends DefaultHistory {

    @Override
    public void add(Instant time, String line) {
        super.add(time, Secrets.mask(line));
    }

    /** Makes the file (0600) and its directory (0700) before JLine first appends to it. */
    static void prepare(Path file) {
        try {
            var dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Another session of the same user (SSH) made it a moment ago: it is there, as wanted.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the history file " + file + ": " + e.getMessage(), e);
        }
    }
}
