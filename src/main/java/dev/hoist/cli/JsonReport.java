package dev.hoist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoist.engine.ImageResult;
import dev.hoist.engine.PushResult;
import dev.hoist.image.ImageRef;
import dev.hoist.image.Json;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Stack;

/** The {@code --json} report: one document for the whole run, per image its digest, bytes and blob counts. */
final class JsonReport {

    private JsonReport() {
    }

    static void write(PushResult result, String destination, PrintStream stdout) throws IOException {
        var bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(result));
        if (destination.equals("-")) {
            stdout.write(bytes);
            stdout.println();
            stdout.flush();
        } else {
            Files.write(Path.of(destination), bytes);
        }
    }

    static ObjectNode toJson(PushResult r) {
        var root = Json.MAPPER.createObjectNode();
        root.put("started", r.started().toString());
        root.put("ended", r.ended().toString());
        root.put("durationMs", r.duration().toMillis());
        root.put("cancelled", r.cancelled());
        root.put("dryRun", r.dryRun());
        var totals = root.putObject("totals");
        totals.put("found", r.found());
        totals.put("selected", r.images().size());
        // A dry run pushes nothing: what it would push has a field of its own, so scripts never mistake one for the other.
        totals.put("pushed", r.dryRun() ? 0 : r.pushed());
        totals.put("wouldPush", r.dryRun() ? r.pushed() : 0);
        totals.put("upToDate", r.upToDate());
        totals.put("failed", r.failed());
        totals.put("bytesRead", r.bytesRead());
        totals.put("bytesSent", r.bytesSent());
        totals.put("retries", r.retries());
        totals.put("bytesPerSecond", Math.round(r.throughput()));
        blobs(totals.putObject("blobs"), r.blobsUploaded(), r.blobsSkipped(), r.blobsMounted());
        var images = root.putArray("images");
        for (var i : r.images()) {
            images.add(image(i, r.dryRun()));
        }
        var errors = root.putArray("errors");
        r.errors().forEach(errors::add);
        return root;
    }

    private static ObjectNode image(ImageResult i, boolean dryRun) {
        var node = Json.MAPPER.createObjectNode();
        node.put("source", i.source());
        node.put("target", i.target().toString());
        node.put("digest", i.digest() == null ? null : i.digest().toString());
        node.put("mediaType", i.mediaType());
        node.put("status", !i.ok() ? "failed" : i.upToDate() ? "up-to-date" : dryRun ? "would-push" : "pushed");
        node.put("bytesRead", i.bytesRead());
        node.put("bytesSent", i.bytesSent());
        blobs(node.putObject("blobs"), i.blobsUploaded(), i.blobsSkipped(), i.blobsMounted());
        node.put("durationMs", i.duration().toMillis());
        node.put("error", i.error());
        return node;
    }

    private static void blobs(ObjectNode node, int uploaded, int skipped, int mounted) {
        node.put("uploaded", uploaded);
        node.put("skipped", skipped);
        node.put("mounted", mounted);
    }

    /**
     * {@code --json} takes the next argument as its FILE unless that is an option, or names a source
     * or target: an existing file or directory, a {@code oci:}-style source, or a registry reference.
     * So {@code --json report.out} writes a file and {@code --json app.tar REG/app} still pushes app.tar.
     */
    static boolean isReportFile(String next) {
        if (next.equals("-") || next.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return true;
        }
        if (next.startsWith("-") || java.nio.file.Files.exists(java.nio.file.Path.of(next))
                || next.matches("^(oci|oci-archive|docker-archive|docker-daemon):.*")) {
            return false;
        }
        int slash = next.indexOf('/');
        var first = slash < 0 ? next : next.substring(0, slash);
        boolean looksLikeRegistry = slash > 0 && ImageRef.isHost(first);
        return !looksLikeRegistry;
    }

    static final class OptionalFile implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandLine.Model.CommandSpec commandSpec,
                                  CommandLine.Model.ArgSpec argSpec, Map<String, Object> info) {
            if ("=".equals(info.get("separator"))) {
                return false;
            }
            if (!args.isEmpty() && isReportFile(args.peek())) {
                argSpec.setValue(args.pop());
                return true;
            }
            argSpec.setValue("-");
            return true;
        }
    }
}
