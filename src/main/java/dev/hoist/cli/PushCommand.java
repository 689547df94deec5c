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
        header = "Pushes images from archives, layouts and the daemon to registries.",
        // One element per paragraph: picocli wraps them to the terminal's width.
        description = {
                "SOURCE is oci:DIR[:NAME|@DIGEST], oci-archive:FILE[:NAME], docker-archive:FILE[:REPO:TAG|:@N], "
                        + "docker-daemon:REPO:TAG, or a path (a layout directory or a tar, recognised by its content). "
                        + "NAME is split off at the first ':' as skopeo does (oci:dir:docker.io/library/alpine:3.19). "
                        + "Referrers (signatures, SBOMs) of a layout's images go with them (--no-referrers); foreign "
                        + "layers are not uploaded.",
                "",
                "SOURCE TARGET: TARGET is HOST[:PORT]/REPOSITORY[:TAG]; without a tag each image keeps the tag it has in its source.",
                "",
                "--to: a registry and namespace (gitea.cnoe.localtest.me:8443/giteaadmin) or oci:DIR; each image goes to "
                        + "NAMESPACE/REPOSITORY:TAG with the repository name it has in its source (see --strip-prefix, "
                        + "--rename, --add-tag). A --to with a tag names one image exactly, and --to oci:DIR:NAME gives "
                        + "it the ref name NAME, as skopeo does.",
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

    @Option(names = "--no-referrers",
            description = "Leave out the referrers images have in their source (signatures, SBOMs, attestations with a subject).")
    boolean noReferrers;

    @Option(names = "--allow-nondistributable-artifacts",
            description = "Upload foreign layers (with urls, or a non-distributable media type) too; by default they are left to their URLs.")
    boolean allowNondistributable;

    @Option(names = "--dry-run", description = "Check what the targets have (HEAD only) and report what would be uploaded, mounted or skipped; write nothing.")
    boolean dryRun;

    @Option(names = "--progress", arity = "0..1", paramLabel = "MODE", fallbackValue = "auto",
            converter = ProgressMode.Converter.class, preprocessor = ProgressMode.OptionalMode.class,
            description = "Progress on stderr: auto (the default: live lines on a terminal; plain lines when stderr is not one, "
                    + "TERM is dumb or CI is set), dashboard, live, plain, or json (one event per line).")
    ProgressMode progress;

    @Option(names = "--no-progress", description = "No progress on stderr: only the summary, errors and the pushed references.")
    boolean noProgress;

    @Option(names = "--dashboard", description = "Show the live dashboard on this terminal (same as --progress dashboard).")
    boolean dashboard;

    @Option(names = "--limit-rate", paramLabel = "RATE", converter = Sizes.PerSecond.class,
            description = "Send at most RATE over all transfers, e.g. 20MB/s or 512k (changeable while the push runs, "
                    + "from the dashboard or hoist attach).")
    long limitRate;

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
        var spool = Spool.open();
        try {
            return push();
        } finally {
            spool.close();
        }
    }

    private int push() throws IOException {
        var credentials = connection.credentials(io);
        var plan = plan();
        var chain = CredentialChain.standard(credentials, io.env(), Dirs.config(io.env()))
                .forRegistries(plan.items().stream().map(i -> i.target().registry()).distinct().toList());
        var mode = noProgress ? ProgressMode.NONE : dashboard ? ProgressMode.DASHBOARD : progress != null ? progress : ProgressMode.AUTO;
        return new PlanRun(io, mode, report.quiet, report.json, limitRate, commandLine())
                .execute(plan, chain, registryOptions());
    }

    /** The job's name: the command as typed, without secrets (a password given with -p is left out). */
    private String commandLine() {
        var words = new ArrayList<String>(List.of("hoist", "push"));
        words.addAll(args);
        fromDaemon.forEach(p -> words.add("--from-daemon " + p));
        to.forEach(t -> words.add("--to " + t));
        return String.join(" ", words);
    }

    private RegistryOptions registryOptions() {
        return connection.options(io.env(), retries, chunkSize, maxPerRegistry);
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
                .compression(compression.value(problems))
                .referrers(!noReferrers)
                .allowNondistributable(allowNondistributable);
        if (retries < 0) {
            problems.add("--retries must not be negative");
        }
        if (chunkSize < 0) {
            problems.add("--chunk-size must not be negative");
        }
        if (noProgress && (progress != null || dashboard)) {
            problems.add("--no-progress cannot go with --progress or --dashboard");
        }
        if (dashboard && progress != null && progress != ProgressMode.DASHBOARD) {
            problems.add("--dashboard cannot go with --progress " + progress);
        }
        if (limitRate < 0) {
            problems.add("--limit-rate must not be negative");
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
                // Not a PlanException: the catch below would count these problems twice.
                throw Problems.report(io, problems, HoistException.Kind.USAGE);
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
