package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialChain;
import dev.hoist.engine.Mapping;
import dev.hoist.engine.PlanBuilder;
import dev.hoist.engine.PlanException;
import dev.hoist.engine.PushPlan;
import dev.hoist.registry.RegistryOptions;
import dev.hoist.source.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hoist push}: pushes images from archives and layouts to registries or an OCI layout. */
@Command(name = "push", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {"hoist push [OPTIONS] SOURCE TARGET",
                "   or: hoist push [OPTIONS] SOURCE... --to HOST[:PORT][/NAMESPACE] [--to oci:DIR]..."},
        description = {
                "Pushes images from docker-save archives and OCI layouts to registries.",
                "",
                "SOURCE is oci:DIR[:TAG|@DIGEST], oci-archive:FILE[:TAG], docker-archive:FILE[:REPO:TAG|:@N],",
                "or a path (a layout directory or a tar, recognised by its content).",
                "",
                "SOURCE TARGET: TARGET is HOST[:PORT]/REPOSITORY[:TAG]; without a tag each image keeps the",
                "tag it has in its source.",
                "--to: a registry and namespace (gitea.cnoe.localtest.me:8443/giteaadmin) or oci:DIR; each",
                "image goes to NAMESPACE/REPOSITORY:TAG with the repository name it has in its source",
                "(see --strip-prefix, --rename, --add-tag). A --to with a tag names one image exactly.",
                "",
                "Prefer --password-stdin: a password given with -p is visible to other users of the machine."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image pushed (or up to date)", "1:a push failed", "2:bad usage or unreadable input",
                "130:cancelled"})
final class PushCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ARGS", arity = "0..*", description = "Sources, then the target (unless --to is given).")
    List<String> args = new ArrayList<>();

    @Option(names = "--from-daemon", paramLabel = "PATTERN",
            description = "Images of the Docker daemon (DOCKER_HOST or the default socket) whose REPO:TAG matches the glob, e.g. 'demo/*'; may repeat.")
    List<String> fromDaemon = new ArrayList<>();

    @Option(names = "--to", paramLabel = "TARGET", description = "Target registry/namespace, or oci:DIR; may repeat.")
    List<String> to = new ArrayList<>();

    @Mixin
    FilterOptions filters = new FilterOptions();

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--strip-prefix", paramLabel = "PREFIX", description = "Remove PREFIX from source repository names (with --to).")
    String stripPrefix;

    @Option(names = "--rename", paramLabel = "TEMPLATE",
            description = "Name images with a template of {repo}, {name} (its last part) and {tag}, e.g. 'mirror/{name}:{tag}'.")
    String rename;

    @Option(names = "--add-tag", paramLabel = "TAG", description = "Push every image under this tag too; may repeat.")
    List<String> addTags = new ArrayList<>();

    @Option(names = "--chunk-size", paramLabel = "SIZE", converter = Sizes.class,
            description = "Upload blobs in PATCH chunks of SIZE (e.g. 8MiB) instead of one PUT.")
    long chunkSize;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5", description = "Retries per request on transient failures (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "Blob transfers at once, across all images (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-per-registry", paramLabel = "N", defaultValue = "8", description = "Requests in flight at once to one registry (default: ${DEFAULT-VALUE}).")
    int maxPerRegistry;

    @Option(names = "--fail-fast", description = "Stop starting new images after the first failure.")
    boolean failFast;

    @Option(names = "--dry-run", description = "Check what the targets have (HEAD only) and report what would be uploaded, mounted or skipped; write nothing.")
    boolean dryRun;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show progress on stderr: live on a terminal, a line per event elsewhere (default: on).")
    boolean progress;

    @Mixin
    CompressionOptions compression = new CompressionOptions();

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    private static final long MAX_CHUNK = 256L * 1024 * 1024;

    private final Main.Io io;

    PushCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        try {
            return push();
        } finally {
            Spool.clear();
        }
    }

    private int push() throws IOException {
        var credentials = connection.credentials(io);
        var plan = plan();
        var chain = CredentialChain.standard(credentials, io.env(), Dirs.config())
                .forRegistries(plan.items().stream().map(i -> i.target().registry()).distinct().toList());
        return new PlanRun(io, progress, report.quiet, report.json).execute(plan, chain, registryOptions());
    }

    private RegistryOptions registryOptions() {
        return connection.options(retries, chunkSize, maxPerRegistry);
    }

    /** Validates everything the plan needs before any network traffic; reports all problems at once. */
    private PushPlan plan() {
        var problems = new ArrayList<String>();
        var builder = new PlanBuilder().environment(io.env());
        fromDaemon.forEach(builder::fromDaemon);
        var sources = new ArrayList<>(args);
        if (to.isEmpty()) {
            if (sources.size() < (fromDaemon.isEmpty() ? 2 : 1)) {
                throw new HoistException("missing TARGET: hoist push SOURCE... TARGET (or --to TARGET)", HoistException.Kind.USAGE);
            }
            builder.repository(sources.remove(sources.size() - 1));
        } else {
            to.forEach(builder::to);
        }
        sources.forEach(builder::source);
        filters.applyTo(builder, problems);
        builder.mapping(new Mapping(stripPrefix, rename, addTags))
                .concurrency(concurrency)
                .failFast(failFast)
                .dryRun(dryRun)
                .compression(compression.value(problems));
        if (retries < 0) {
            problems.add("--retries must not be negative");
        }
        if (chunkSize < 0) {
            problems.add("--chunk-size must not be negative");
        }
        if (maxPerRegistry < 1) {
            problems.add("--max-per-registry must be at least 1");
        }
        if (chunkSize > MAX_CHUNK) {
            problems.add("--chunk-size is held in memory per transfer: at most 256MiB (omit it to upload each blob in one PUT)");
        }
        try {
            registryOptions().validate();
        } catch (HoistException e) {
            problems.add(e.getMessage());
        }
        try {
            var plan = builder.build();
            if (!problems.isEmpty()) {
                throw new PlanException(problems, HoistException.Kind.USAGE);
            }
            builder.warnings().forEach(w -> io.err().println("hoist: warning: " + w));
            return plan;
        } catch (PlanException e) {
            var all = new ArrayList<>(problems);
            all.addAll(e.problems());
            throw Problems.report(io, all, e.kind());
        }
    }
}
