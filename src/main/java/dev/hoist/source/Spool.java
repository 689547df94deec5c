package dev.hoist.source;

import dev.hoist.Dirs;
import dev.hoist.HoistException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary copies of exports (a Docker daemon's image save) under {@code ~/.cache/hoist/spool/},
 * removed by {@link #clear()} when a command ends, and at the latest when the JVM exits.
 */
public final class Spool {

    private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Spool::clear, "hoist-spool-cleanup"));
    }

    private Spool() {
    }

    /** Copies a stream into a new spool file and returns it. */
    static Path write(InputStream in, String what) {
        Path file = null;
        try {
            var dir = Dirs.cache().resolve("spool");
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, "export-", ".tar");
            FILES.add(file);
            try (in) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            if (file != null) {
                delete(file);
            }
            throw new HoistException(what + ": cannot spool the export: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }

    /** Removes every spool file this process made. */
    public static void clear() {
        FILES.forEach(Spool::delete);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Nothing more to do; the next clear() tries again.
        }
        FILES.remove(file);
    }
}
