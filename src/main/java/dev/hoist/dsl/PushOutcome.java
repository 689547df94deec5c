package dev.hoist.dsl;

import dev.hoist.engine.PushResult;
import dev.hoist.image.ImageRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a script's {@code push} or {@code dryRun} returns: the images pushed, up to date and failed,
 * bytes, duration, the summary line, the JSON report, and a digest file.
 */
public final class PushOutcome {

    private final PushResult result;
    private final PushRunner runner;
    private final Path baseDir;

    PushOutcome(PushResult result, PushRunner runner, Path baseDir) {
        this.result = result;
        this.runner = runner;
        this.baseDir = baseDir;
    }

    /** The engine's result, for faces that report it. */
    public PushResult getResult() {
        return result;
    }

    /** Images written (in a dry run: that would be written). */
    public List<ImageOutcome> getPushed() {
        return result.images().stream().filter(i -> i.ok() && !i.upToDate()).map(ImageOutcome::new).toList();
    }

    public List<ImageOutcome> getUpToDate() {
        return result.images().stream().filter(i -> i.ok() && i.upToDate()).map(ImageOutcome::new).toList();
    }

    public List<ImageOutcome> getFailed() {
        return result.images().stream().filter(i -> !i.ok()).map(ImageOutcome::new).toList();
    }

    public boolean isOk() {
        return result.ok();
    }

    public boolean isDryRun() {
        return result.dryRun();
    }

    public long getBytesSent() {
        return result.bytesSent();
    }

    /** What would be (or was) read to send: in a dry run, the bytes of the blobs the targets lack. */
    public long getBytesToSend() {
        return result.dryRun() ? result.bytesRead() : result.bytesSent();
    }

    public int getBlobsUploaded() {
        return result.blobsUploaded();
    }

    public int getBlobsMounted() {
        return result.blobsMounted();
    }

    public int getBlobsSkipped() {
        return result.blobsSkipped();
    }

    public Duration getDuration() {
        return result.duration();
    }

    /** The summary line; under {@code hoist check}, where nothing runs, says so. */
    public String getSummary() {
        return runner == null ? "not run (hoist check)" : runner.summary(result);
    }

    /** The JSON report, as {@code push --json} writes it; under {@code hoist check}, an empty object. */
    public String toJson() {
        return runner == null ? "{}" : runner.json(result);
    }

    /** Writes one {@code REF@DIGEST} line per image pushed or up to date, like skopeo's {@code --digestfile}. */
    public Path digestFile(String path) {
        var file = baseDir.resolve(path);
        var lines = new StringBuilder();
        for (var i : result.images()) {
            if (i.ok() && i.digest() != null) {
                var t = i.target();
                lines.append(new ImageRef(t.registry(), t.repository(), t.tag(), i.digest())).append('\n');
            }
        }
        try {
            Files.writeString(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return file;
    }

    @Override
    public String toString() {
        return getSummary();
    }
}
