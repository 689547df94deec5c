package dev.hoist.source;

import dev.hoist.Dirs;
import dev.hoist.HoistException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary copies of exports (a Docker daemon's image save) under {@code ~/.cache/hoist/spool/}.
 * A command opens a {@link Scope}: the files made on its thread while it is open are removed when
 * it closes, unless a push that runs on after the command (a shell's background job) took them
 * over with {@link Scope#handOver()}, to remove them at its own end. Commands of other sessions in
 * the same process keep theirs. What no scope removed goes when the JVM exits.
 */
public final class Spool {

    private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    /** The spool files of one command. */
    public static final class Scope implements AutoCloseable {
        private final Scope outer;
        private final Set<Path> files = ConcurrentHashMap.newKeySet();

        private Scope(Scope outer) {
            this.outer = outer;
        }

        /**
         * The files made so far become the caller's, removed by the returned action (at the end of
         * the job that reads them); files made later stay this scope's.
         */
        public Runnable handOver() {
            var taken = Set.copyOf(files);
            files.removeAll(taken);
            return () -> taken.forEach(Spool::delete);
        }

        /** Removes the files still this scope's, and makes the enclosing scope current again. */
        @Override
        public void close() {
            CURRENT.set(outer);
            files.forEach(Spool::delete);
        }
    }

    /** Opens a scope for the command about to run on this thread. */
    public static Scope open() {
        var scope = new Scope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The scope of the command running on this thread, or null. */
    public static Scope current() {
        return CURRENT.get();
    }

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
            var scope = CURRENT.get();
            if (scope != null) {
                scope.files.add(file);
            }
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

    /** Removes every spool file this process made (at its exit). */
    static void clear() {
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
