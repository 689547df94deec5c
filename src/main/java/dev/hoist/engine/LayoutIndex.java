package dev.hoist.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.Json;
import dev.hoist.image.MediaTypes;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code index.json} of one OCI layout directory while pushes write into it. New entries (tags,
 * untagged referrers) are kept here and written together, atomically, at most about once a second and
 * at the end of each run: a push of n images writes the file a bounded number of times, not n times
 * a file growing with n. An entry is only ever added once its manifest and blobs are in the layout,
 * so whatever index.json a stopped push leaves names only blobs that are there. An image is told
 * pushed ({@link #whenWritten}) only once the write holding its entries is done, so however a run
 * ends (Ctrl-C, kill, failure) every image reported pushed is in index.json; a write that fails drops
 * its batch's entries and fails their images, so a failed image leaves no tag behind.
 */
final class LayoutIndex {

    private static final long WRITE_INTERVAL_NANOS = 1_000_000_000L;

    /** Whom to tell once the entries pending when it asked are written, or their write failed. */
    private record Waiting(Runnable done, Consumer<IOException> failed) {
    }

    private final Path dir;
    /** Entries by ref name not yet in index.json: a later tag of the same name replaces an earlier one. */
    private final Map<String, ObjectNode> tags = new LinkedHashMap<>();
    /** Untagged entries (referrers) not yet in index.json. */
    private final List<ObjectNode> untagged = new ArrayList<>();
    /** What index.json held when last read or written: ref names to digests, and every digest it lists. */
    private Map<String, Digest> written;
    private Set<String> listed;
    /** The file's modification time and size when it was learned: another writer (or a removal) makes it learned again. */
    private String learnedStamp;
    private long lastWrite = System.nanoTime();
    /** Told by the next write: done when it succeeds, failed when it does not. */
    private final List<Waiting> waiting = new ArrayList<>();
    /** A write is scheduled for when the interval since the last one has passed. */
    private boolean scheduled;

    LayoutIndex(Path dir) {
        this.dir = dir;
    }

    /** The manifest a ref name points at, counting entries not written yet. */
    synchronized Optional<Digest> tagged(String refName) throws IOException {
        var pending = tags.get(refName);
        if (pending != null) {
            return Optional.of(Digest.parse(Json.text(pending, "digest")));
        }
        refresh();
        return Optional.ofNullable(written.get(refName));
    }

    /** Points a ref name at a manifest already in the layout, replacing what it named before. */
    synchronized void tag(String refName, Descriptor manifest) throws IOException {
        var entry = Json.MAPPER.createObjectNode();
        entry.put("mediaType", manifest.mediaType());
        entry.put("digest", manifest.digest().toString());
        entry.put("size", manifest.size());
        entry.putObject("annotations").put(Descriptor.REF_NAME, refName);
        tags.remove(refName);
        tags.put(refName, entry);
    }

    /**
     * Runs {@code done} once everything pending now is in index.json: at once when nothing is, else
     * after the next write, made now when the last one is old enough or scheduled for when it is.
     * When that write fails, {@code failed} runs instead.
     */
    void whenWritten(Runnable done, Consumer<IOException> failed) {
        long wait;
        synchronized (this) {
            if (tags.isEmpty() && untagged.isEmpty()) {
                wait = -1;
            } else {
                waiting.add(new Waiting(done, failed));
                wait = lastWrite + WRITE_INTERVAL_NANOS - System.nanoTime();
                if (wait > 0) {
                    if (scheduled) {
                        return;
                    }
                    scheduled = true;
                    CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(this::write);
                    return;
                }
            }
        }
        if (wait < 0) {
            done.run();
        } else {
            write();
        }
    }

    /** Lists referrers (already in the layout) untagged, as oras and cosign leave them. True when one was new. */
    synchronized boolean addUntagged(List<Descriptor> referrers) throws IOException {
        refresh();
        boolean added = false;
        for (var r : referrers) {
            var digest = r.digest().toString();
            if (!listed.contains(digest) && untagged.stream().noneMatch(u -> digest.equals(Json.text(u, "digest")))) {
                untagged.add(dev.hoist.image.Referrers.toJson(r));
                added = true;
            }
        }
        return added;
    }

    /**
     * Writes what is not in index.json yet and tells those waiting for it. When the write fails, its
     * entries are dropped and the waiting are told so: their images fail, leaving no tag behind.
     */
    void write() {
        List<Waiting> told;
        IOException failure = null;
        synchronized (this) {
            scheduled = false;
            try {
                replace();
            } catch (IOException e) {
                failure = e;
                tags.clear();
                untagged.clear();
            }
            told = new ArrayList<>(waiting);
            waiting.clear();
        }
        // Told outside the lock: a listener's fold must not hold up other images' tags.
        for (var w : told) {
            if (failure == null) {
                w.done.run();
            } else {
                w.failed.accept(failure);
            }
        }
    }

    /**
     * Writes what is not in index.json yet, in one atomic replace. Other processes may write the same
     * layout: under the file lock the file is read afresh and only this index's entries change in it.
     */
    private void replace() throws IOException {
        if (tags.isEmpty() && untagged.isEmpty()) {
            return;
        }
        // One JVM synchronises on the class (a second lock on the file from it would throw); other processes take the file lock.
        synchronized (LayoutIndex.class) {
            try (var channel = FileChannel.open(dir.resolve(".hoist-index.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 var lock = channel.lock()) {
                var index = read();
                var manifests = index.withArray("manifests");
                for (int i = manifests.size() - 1; i >= 0; i--) {
                    var ann = manifests.get(i).get("annotations");
                    if (ann != null && tags.containsKey(Json.text(ann, Descriptor.REF_NAME))) {
                        manifests.remove(i);
                    }
                }
                var present = new HashSet<String>();
                manifests.forEach(m -> present.add(Json.text(m, "digest")));
                untagged.stream().filter(u -> present.add(Json.text(u, "digest"))).forEach(manifests::add);
                tags.values().forEach(manifests::add);
                var tmp = Files.createTempFile(dir.resolve("blobs"), ".index", ".tmp");
                try {
                    Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
                    LayoutDestination.move(tmp, dir.resolve("index.json"));
                } finally {
                    Files.deleteIfExists(tmp);
                }
                tags.clear();
                untagged.clear();
                lastWrite = System.nanoTime();
                learn(index);
                learnedStamp = stamp();
            }
        }
    }

    private void refresh() throws IOException {
        // Stamped before reading: a write in between makes the next look read again, never miss it.
        var now = stamp();
        if (written == null || !now.equals(learnedStamp)) {
            learn(read());
            learnedStamp = now;
        }
    }

    private String stamp() throws IOException {
        var file = dir.resolve("index.json");
        return Files.exists(file) ? Files.getLastModifiedTime(file) + " " + Files.size(file) : "none";
    }

    private void learn(ObjectNode index) {
        written = new HashMap<>();
        listed = new HashSet<>();
        for (var m : index.withArray("manifests")) {
            var digest = Json.text(m, "digest");
            listed.add(digest);
            var ann = m.get("annotations");
            var name = ann == null ? null : Json.text(ann, Descriptor.REF_NAME);
            if (name != null && digest != null) {
                written.put(name, Digest.parse(digest));
            }
        }
    }

    private ObjectNode read() throws IOException {
        var file = dir.resolve("index.json");
        if (Files.exists(file)) {
            return (ObjectNode) Json.parse(Files.readAllBytes(file), file.toString());
        }
        var index = Json.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.putArray("manifests");
        return index;
    }
}
