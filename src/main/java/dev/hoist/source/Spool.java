package dev.hoist.source;

import dev.hoist.Dirs;
import dev.hoist.HoistException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary copies of exports (a Docker daemon's image save) under {@code ~/.cache/hoist/spool/},
 * removed by {@link #clear()} when a command ends, and at the latest when the JVM exits.
 */
public final class Spool {

    private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Spool::clear, "hoist-spool-cleanup"));
        } catch (IllegalStateException shuttingDown) {
            // First used while the JVM stops (a server's command ending after SIGTERM): the
            // command's own clear() runs, and no later exit is left to hook.
        }
    }

    private Spool() {
    }

    /** A new, empty spool file. */
    static Path create(String what) {
        try {
            var dir = Dirs.cache().resolve("spool");
            Files.createDirectories(dir);
            sweep(dir);
            var file = Files.createTempFile(dir, "export-" + ProcessHandle.current().pid() + "-", ".tar");
            FILES.add(file);
            return file;
        } catch (IOException e) {
            throw new HoistException(what + ": cannot make a spool file: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }

    /** Removes spool files of processes that are gone (killed before they could clean up). */
    private static void sweep(Path dir) {
        try (var files = Files.list(dir)) {
            files.forEach(f -> {
                var m = java.util.regex.Pattern.compile("export-(\\d+)-.*").matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException ignored) {
                        // Another process may be sweeping too.
                    }
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // Sweeping is a courtesy; the new file does not depend on it.
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
