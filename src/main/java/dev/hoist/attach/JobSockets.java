package dev.hoist.attach;

import dev.hoist.engine.Job;
import dev.hoist.engine.JobSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where running pushes can be attached to: a Unix domain socket per job in {@code $XDG_RUNTIME_DIR/hoist/}
 * (without it, a 0700 directory {@code /tmp/hoist-UID}), mode 0600, named {@code PID-JOB.sock}. A
 * job's ID for users is the process's PID, with {@code .JOB} after it for the second job of a
 * process and on (the shell's).
 */
public final class JobSockets {

    private static final Logger log = LoggerFactory.getLogger(JobSockets.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** A running push found in the directory, with what it said of itself. */
    public record Endpoint(String id, Path socket, JobSnapshot snapshot) {
    }

    private JobSockets() {
    }

    /** The directory of this user's job sockets (not created). */
    public static Path dir(Map<String, String> env) {
        var runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute()) {
            return Path.of(runtime, "hoist");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "hoist-" + uid());
    }

    static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name");
        }
    }

    /**
     * Exposes a job until the returned handle is closed. A push never fails for want of its socket:
     * when the directory cannot be made safe, it runs without one (told at debug level).
     */
    public static Closeable expose(Job job, Map<String, String> env) {
        try {
            var dir = ownDir(dir(env));
            var name = ProcessHandle.current().pid() + "-" + job.id() + ".sock";
            return JobServer.start(job, dir.resolve(name));
        } catch (IOException | RuntimeException e) {
            log.debug("no attach socket for job {}: {}", job.id(), e.toString());
            return () -> { };
        }
    }

    /** Makes the directory, or checks that the one there is this user's alone: another user's could listen in. */
    private static Path ownDir(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Checked below like any directory found there.
            }
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !String.valueOf(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).equals(uid())
                || !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY_DIR)) {
            throw new IOException(dir + " is not a directory of this user's alone (mode 0700)");
        }
        return dir;
    }

    /** The running pushes of this user, oldest first; sockets of processes that are gone are removed. */
    public static List<Endpoint> running(Map<String, String> env) {
        var dir = dir(env);
        var out = new ArrayList<Endpoint>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> sockets;
        try (var files = Files.list(dir)) {
            sockets = files.filter(p -> p.getFileName().toString().endsWith(".sock")).toList();
        } catch (IOException e) {
            return out;
        }
        for (var socket : sockets) {
            var id = id(socket);
            if (id == null) {
                continue;
            }
            try (var remote = RemoteJob.connect(socket, true)) {
                out.add(new Endpoint(id, socket, remote.snapshot()));
            } catch (IOException | RuntimeException e) {
                if (!alive(socket)) {
                    try {
                        Files.deleteIfExists(socket);
                    } catch (IOException ignored) {
                        // Another ps removed it first, or it is not ours to remove.
                    }
                }
            }
        }
        out.sort(Comparator.comparing((Endpoint e) -> e.snapshot().started()).thenComparing(Endpoint::id));
        return out;
    }

    /** The running push with this ID, or the only one when {@code id} is null. */
    public static Optional<Endpoint> find(Map<String, String> env, String id) {
        var all = running(env);
        if (id == null) {
            return all.size() == 1 ? Optional.of(all.get(0)) : Optional.empty();
        }
        return all.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** {@code PID} for a process's first job, {@code PID.JOB} for later ones; null for a name not ours. */
    static String id(Path socket) {
        var name = socket.getFileName().toString();
        var m = java.util.regex.Pattern.compile("(\\d+)-(\\d+)\\.sock").matcher(name);
        if (!m.matches()) {
            return null;
        }
        return m.group(2).equals("1") ? m.group(1) : m.group(1) + "." + m.group(2);
    }

    private static boolean alive(Path socket) {
        var name = socket.getFileName().toString();
        try {
            long pid = Long.parseLong(name.substring(0, name.indexOf('-')));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
