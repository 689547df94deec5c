package dev.hoist.cli;

import dev.hoist.engine.ImageFilter;
import dev.hoist.engine.PlanBuilder;
import dev.hoist.engine.PlanException;
import dev.hoist.image.Artifact;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Manifest;
import dev.hoist.image.Referrers;
import dev.hoist.image.Image;
import dev.hoist.image.ImageIndex;
import dev.hoist.image.Json;
import dev.hoist.image.Platform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hoist images SOURCE...}: what a plan would push, as a table or JSON. */
@Command(name = "images", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Lists the images in sources, with the filters push takes.",
        description = {"Shows each image's repository, tag, platforms, size, image ID and manifest digest, as a table or JSON."})
final class ImagesCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "oci:DIR, oci-archive:FILE, docker-archive:FILE, docker-daemon:REPO:TAG, or a path.")
    List<String> sources = new ArrayList<>();

    @Option(names = "--daemon", description = "List the images of the Docker daemon (DOCKER_HOST or the default socket).")
    boolean daemon;

    @Mixin
    FilterOptions filters = new FilterOptions();

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--no-trunc", description = "On a terminal too, full digests and a SOURCE column (there, digests are cut to"
            + " 12 hex digits like IMAGE ID, and one source shared by every row is named below the table instead).")
    boolean noTrunc;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    private static final String REFERENCE_TYPE = "vnd.docker.reference.type";
    private static final String REFERENCE_DIGEST = "vnd.docker.reference.digest";
    private static final String ATTESTATION = "attestation-manifest";

    private final Main.Io io;

    ImagesCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        var problems = new ArrayList<String>();
        var builder = new PlanBuilder().environment(io.env());
        sources.forEach(builder::source);
        if (daemon) {
            builder.fromDaemon("**");
        }
        filters.applyTo(builder, problems);
        PlanBuilder.Selection selection;
        try {
            selection = builder.select();
            if (!problems.isEmpty()) {
                throw new PlanException(problems, dev.hoist.HoistException.Kind.USAGE);
            }
        } catch (PlanException e) {
            var all = new ArrayList<>(problems);
            all.addAll(e.problems());
            throw Problems.report(io, all, e.kind());
        }
        if (json) {
            var array = Json.MAPPER.createArrayNode();
            for (var image : selection.images()) {
                var node = array.addObject();
                node.put("source", image.origin());
                node.put("repository", image.repository());
                node.put("tag", image.tag());
                var platforms = node.putArray("platforms");
                platforms(image.artifact()).forEach(platforms::add);
                node.put("size", ImageFilter.size(image.artifact()));
                node.put("imageId", imageId(image.artifact()));
                node.put("digest", digest(image.artifact()));
                var referrers = node.putArray("referrers");
                for (var r : referrers(image.artifact())) {
                    var entry = referrers.addObject();
                    entry.put("digest", r.descriptor().digest().toString());
                    entry.put("artifactType", r.descriptor().artifactType());
                    entry.put("size", r.descriptor().size());
                    entry.put("subject", r.subject());
                }
            }
            io.out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            return 0;
        }
        // Read by a person at a terminal: rows that fit 80 columns more often (short digests, the one
        // source named once). Read by a program: every figure whole, the same columns always.
        boolean brief = io.terminal() && !noTrunc;
        var origins = selection.images().stream().map(image -> image.origin()).distinct().toList();
        boolean sourceColumn = !brief || origins.size() != 1;
        var rows = new ArrayList<String[]>();
        rows.add(columns(sourceColumn, "REPOSITORY", "TAG", "PLATFORMS", "SIZE", "IMAGE ID", "DIGEST", "SOURCE"));
        for (var image : selection.images()) {
            var id = imageId(image.artifact());
            var digest = digest(image.artifact());
            rows.add(columns(sourceColumn, value(image.repository()), value(image.tag()), String.join(",", platforms(image.artifact())),
                    Sizes.human(ImageFilter.size(image.artifact())), id == null ? "-" : id.substring(7, 19),
                    digest == null ? "-" : brief ? digest.substring(0, 19) : digest, image.origin()));
            // Referrers (signatures, SBOMs) under their subject: they go up with it.
            for (var r : referrers(image.artifact())) {
                var d = r.descriptor();
                var rd = d.digest().toString();
                rows.add(columns(sourceColumn, "  └ referrer", "-", d.artifactType() == null ? "-" : d.artifactType(),
                        Sizes.human(d.size()), "-", brief ? rd.substring(0, 19) : rd, "of " + r.subject().substring(0, 19)));
            }
        }
        // On a terminal, rows fit its width: SOURCE, DIGEST, PLATFORMS, IMAGE ID, SIZE give way in
        // that order, then REPOSITORY is cut in the middle; never a row that wraps.
        int[] giveWay = sourceColumn ? new int[] {6, 5, 2, 4, 3} : new int[] {5, 2, 4, 3};
        int width = brief ? Table.width(io) : 0;
        Table.lines(rows, width, giveWay, 0, Integer.MAX_VALUE).forEach(io.out()::println);
        // The footer fits too: the one source's path is cut in the middle, as the table cuts names.
        var footer = selection.images().size() + " of " + selection.found() + " images selected";
        if (!sourceColumn) {
            var from = ", from ";
            int room = width - footer.length() - from.length();
            footer += from + (width > 0 ? ProgressLines.middle(origins.get(0), Math.max(room, 1), "…") : origins.get(0));
        }
        io.err().println(Table.fit(footer, width));
        return 0;
    }

    /** The row's cells, without the last (SOURCE) when it is left out. */
    private static String[] columns(boolean source, String... cells) {
        return source ? cells : java.util.Arrays.copyOf(cells, cells.length - 1);
    }

    private static String value(String s) {
        return s == null ? "<none>" : s;
    }

    /** A referrer of an image (or of a child of its index) and the digest of what it refers to. */
    private record Referrer(String subject, Descriptor descriptor) {
    }

    private static List<Referrer> referrers(Artifact artifact) {
        var out = new ArrayList<Referrer>();
        if (artifact instanceof ImageIndex index) {
            index.children().forEach(c -> out.addAll(referrers(c)));
        }
        var subject = digest(artifact);
        for (var r : artifact.referrers()) {
            var raw = r instanceof ImageIndex i ? i.index().raw() : ((Image) r).storedManifest().map(Manifest::raw).orElse(null);
            var mediaType = r instanceof ImageIndex i ? i.index().mediaType() : ((Image) r).storedManifest().map(Manifest::mediaType).orElse(null);
            if (raw != null && subject != null) {
                out.add(new Referrer(subject, Referrers.descriptor(raw, mediaType, r.name())));
                out.addAll(referrers(r));
            }
        }
        return out;
    }

    /**
     * The platforms of an image or index; a buildx attestation manifest (platform unknown/unknown)
     * is shown as what it attests: {@code attestation for linux/amd64}.
     */
    private static List<String> platforms(Artifact artifact) {
        var out = new LinkedHashSet<String>();
        if (artifact instanceof ImageIndex index) {
            var descriptors = index.index().manifests();
            for (int i = 0; i < index.children().size(); i++) {
                var d = descriptors.get(i);
                if (ATTESTATION.equals(d.annotations().get(REFERENCE_TYPE))) {
                    var attested = d.annotations().get(REFERENCE_DIGEST);
                    out.add("attestation for " + descriptors.stream()
                            .filter(x -> x.digest().toString().equals(attested) && x.platform() != null)
                            .map(x -> x.platform().toString()).findFirst().orElse(attested == null ? "unknown" : attested));
                } else {
                    out.addAll(platforms(index.children().get(i)));
                }
            }
        } else {
            ((Image) artifact).platform().map(Platform::toString).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    private static String imageId(Artifact artifact) {
        return artifact instanceof Image image ? image.id().toString() : null;
    }

    private static String digest(Artifact artifact) {
        if (artifact instanceof ImageIndex index) {
            return index.index().digest().toString();
        }
        return ((Image) artifact).manifestDigest().map(Object::toString).orElse(null);
    }

}
