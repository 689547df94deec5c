package dev.hoist.source;

import dev.hoist.HoistException;
import dev.hoist.image.Content;
import dev.hoist.image.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code docker save} of several images, streamed into a spool file by a thread of its own.
 * Each member is hashed as it streams by, so a layer is known by its diff ID (and a config by the
 * image ID) the moment its last byte is written: the engine compresses and uploads it from the
 * spool while the export goes on with the next one. Memory stays bounded; the file is removed
 * when the command ends ({@link Spool#clear()}).
 */
final class DaemonExport {

    /** Where a member's bytes sit in the spool file. */
    private record Region(long offset, long size) {
    }

    private final String what;
    private final Path file;
    private final Map<Digest, CompletableFuture<Region>> members = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private DaemonExport(String what, Path file) {
        this.what = what;
        this.file = file;
    }

    /** Starts streaming {@code export} into a new spool file. */
    static DaemonExport start(String what, InputStream export) {
        var exportRun = new DaemonExport(what, Spool.create(what));
        var thread = new Thread(() -> exportRun.read(export), "hoist-export");
        thread.setDaemon(true);
        thread.start();
        return exportRun;
    }

    private CompletableFuture<Region> member(Digest digest) {
        return members.computeIfAbsent(digest, d -> new CompletableFuture<>());
    }

    private void read(InputStream export) {
        try (export; var out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            var tar = new TarStream(export, what);
            var buffer = new byte[256 * 1024];
            for (var entry = tar.next(); entry != null; entry = tar.next()) {
                if (!entry.isFile()) {
                    continue;
                }
                long offset = out.position();
                var md = Digest.newSha256();
                var data = tar.data();
                for (int n; (n = data.read(buffer)) > 0; ) {
                    md.update(buffer, 0, n);
                    var bb = java.nio.ByteBuffer.wrap(buffer, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                }
                member(Digest.of(md)).complete(new Region(offset, entry.size()));
            }
            done.complete(null);
        } catch (IOException | RuntimeException e) {
            var failure = e instanceof HoistException h ? h
                    : new HoistException(what + ": the export failed: " + e.getMessage(), HoistException.Kind.INPUT, e);
            done.completeExceptionally(failure);
            members.values().forEach(f -> f.completeExceptionally(failure));
            return;
        }
        var missing = new HoistException(what + ": not in the export", HoistException.Kind.INPUT);
        members.values().forEach(f -> f.completeExceptionally(missing));
    }

    /** Whether the export holds (or will hold) a member with this digest; waits for it. */
    private Region await(Digest digest) {
        try {
            if (done.isDone() && !members.containsKey(digest)) {
                throw new HoistException(what + ": " + digest + " is not in the export", HoistException.Kind.INPUT);
            }
            return member(digest).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof HoistException h) {
                throw new HoistException(what + ": " + digest + ": " + h.getMessage(), h.kind(), h);
            }
            throw e;
        }
    }

    /** A member's bytes, by the digest of its content (a layer's diff ID, a config's image ID). */
    Content content(Digest digest) {
        return new Content() {
            @Override
            public InputStream open() throws IOException {
                var region = await(digest);
                var channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(region.offset);
                return new TarFormat.BoundedInputStream(Channels.newInputStream(channel), region.size);
            }

            @Override
            public String location() {
                return what + " " + digest;
            }
        };
    }

    /** A small member (a config) read whole. */
    byte[] read(Digest digest) {
        var region = await(digest);
        try (var in = content(digest).open()) {
            return in.readNBytes((int) region.size);
        } catch (IOException e) {
            throw new HoistException(what + ": cannot read " + digest + " from the spool: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }
}
