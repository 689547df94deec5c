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

/**
 * The {@code index.json} of one OCI layout directory while pushes write into it. New entries (tags,
 * untagged referrers) are kept here and written together, atomically, at most every few seconds and
 * at the end of each run: a push of n images writes the file a bounded number of times, not n times
 * a file growing with n. An entry is only ever added once its manifest and blobs are in the layout,
 * so whatever index.json a stopped push leaves names only blobs that are there; what it had not
 * written yet is pushed again, its blobs found present, by the next push.
 */
final class LayoutIndex {

    private static final long WRITE_INTERVAL_NANOS = 5_000_000_000L;

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
        if (System.nanoTime() - lastWrite >= WRITE_INTERVAL_NANOS) {
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
     * Writes what is not in index.json yet, in one atomic replace. Other processes may write the same
     * layout: under the file lock the file is read afresh and only this index's entries change in it.
     */
    synchronized void write() throws IOException {
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
