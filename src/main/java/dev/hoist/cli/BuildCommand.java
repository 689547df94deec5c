package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialChain;
import dev.hoist.credentials.CredentialStore;
import dev.hoist.image.ImageRef;
import dev.hoist.registry.RegistryClient;
import dev.hoist.image.Json;
import dev.hoist.registry.RegistryOptions;
import dev.hoist.source.DirectoryBuild;
import dev.hoist.source.DockerDaemon;
import dev.hoist.source.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hoist build DIR --tag REF}: builds an image from a directory with Jib Core. A push goes
 * through hoist's engine ({@code hoist push} of the built archive), never through Jib.
 */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Builds an image from a directory and pushes, writes or loads it.",
        description = {"The image is built with Jib Core, reproducibly, then pushed with hoist's engine, written to an OCI layout "
                + "or a tar, or loaded into the Docker daemon. DIR's contents go to --dest (default /app) in one layer "
                + "on top of --from (default scratch)."})
final class BuildCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "The directory to build from.")
    Path dir;

    @Option(names = {"-t", "--tag"}, required = true, paramLabel = "REF",
            description = "The image's name: REPO:TAG (e.g. demo/site:1.0), or HOST/REPO:TAG to push there.")
    String tag;

    @Option(names = "--from", paramLabel = "BASE", defaultValue = "scratch",
            description = "Base image: scratch (default), a registry reference, or a docker-save tar (tar:FILE or FILE.tar).")
    String base;

    @Option(names = "--dest", paramLabel = "PATH", defaultValue = "/app", description = "Where DIR's contents go in the image (default: ${DEFAULT-VALUE}).")
    String dest;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Entrypoint: words split on spaces, or a JSON array.")
    String entrypoint;

    @Option(names = "--cmd", paramLabel = "ARGS", description = "Default arguments: words split on spaces, or a JSON array.")
    String cmd;

    @Option(names = "--env", paramLabel = "K=V", description = "An environment variable; may repeat.")
    List<String> env = new ArrayList<>();

    @Option(names = "--label", paramLabel = "K=V", description = "A label; may repeat.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--workdir", paramLabel = "PATH", description = "Working directory (default: --dest).")
    String workdir;

    @Option(names = "--user", paramLabel = "USER[:GROUP]", description = "The user the container runs as.")
    String user;

    @Option(names = "--expose", paramLabel = "PORT[/PROTO]", description = "A port to expose; may repeat.")
    List<String> expose = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Platform of the image (and of the base to pick).")
    String platform;

    @Option(names = "--layer", paramLabel = "SRC:DEST", description = "Another layer: SRC (file or directory) at DEST; may repeat.")
    List<String> layers = new ArrayList<>();

    @Option(names = "--created", paramLabel = "TIME", description = "Creation time (ISO-8601); default the epoch, for reproducible digests.")
    String created;

    @Option(names = "--docker-format", description = "Docker media types (and a docker-save tar) instead of OCI; implied by --daemon.")
    boolean dockerFormat;

    @Option(names = "--to", paramLabel = "TARGET", description = "Push to HOST[:PORT][/NAMESPACE] (as REPO:TAG under it), or write to oci:DIR.")
    String to;

    @Option(names = "--tar", paramLabel = "FILE", description = "Write the image to a tar: an OCI archive, or a docker-save tar with --docker-format.")
    Path tar;

    @Option(names = "--daemon", description = "Load the image into the Docker daemon (DOCKER_HOST or the default socket).")
    boolean daemon;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    private final Main.Io io;

    BuildCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        var registryTag = tag.contains("/") && ImageRef.isHost(tag.substring(0, tag.indexOf('/')));
        int outputs = (to != null ? 1 : 0) + (tar != null ? 1 : 0) + (daemon ? 1 : 0);
        if (outputs > 1) {
            throw new HoistException("give one of --to, --tar, --daemon", HoistException.Kind.USAGE);
        }
        if (outputs == 0 && !registryTag) {
            throw new HoistException("where should the image go? add --to TARGET, --tar FILE or --daemon, or tag it HOST/REPO:TAG",
                    HoistException.Kind.USAGE);
        }
        if (platform != null && !platform.matches("[^/]+/[^/]+")) {
            throw new HoistException("--platform '" + platform + "': expected OS/ARCH, e.g. linux/arm64", HoistException.Kind.USAGE);
        }
        Instant createdAt = null;
        if (created != null) {
            try {
                createdAt = Instant.parse(created);
            } catch (java.time.format.DateTimeParseException e) {
                throw new HoistException("--created '" + created + "': expected an ISO-8601 time, e.g. 2024-05-01T00:00:00Z",
                        HoistException.Kind.USAGE);
            }
        }
        var build = new DirectoryBuild(dir, dest, base, words(entrypoint), words(cmd), pairs(env, "--env"), pairs(labels, "--label"),
                workdir != null ? workdir : dest, user, expose, platform, layers, createdAt, dockerFormat || daemon);
        var targets = new ArrayList<String>();
        if (registryTag) {
            targets.add(tag.substring(0, tag.indexOf('/')));
        }
        if (to != null && !to.startsWith("oci:")) {
            targets.add(to.contains("/") ? to.substring(0, to.indexOf('/')) : to);
        }
        var credentials = CredentialChain.standard(connection.credentials(io), io.env(), Dirs.config(io.env())).forRegistries(targets);
        var options = connection.options(io.env(), 5, 0, 8);
        boolean insecureBase = prepareBase(options);
        var name = tag.contains(":") && tag.lastIndexOf(':') > tag.lastIndexOf('/') ? tag : tag + ":latest";
        var spool = Spool.open();
        try {
            var out = tar != null ? tar : Files.createTempFile(Files.createDirectories(Dirs.cache(io.env()).resolve("spool")), "build-", ".tar");
            try {
                build.buildTar(out, name, credentials, insecureBase);
                if (tar != null) {
                    io.err().println("wrote " + tar + " (" + name + ")");
                    return 0;
                }
                if (daemon) {
                    DockerDaemon.connect(io.env()).load(out);
                    io.err().println("loaded " + name + " into the Docker daemon");
                    return 0;
                }
                return push(out, registryTag && to == null, credentials, options);
            } finally {
                if (tar == null) {
                    Files.deleteIfExists(out);
                }
            }
        } finally {
            spool.close();
        }
    }

    /** Pushes the built archive on the engine, as {@code hoist push} does: the one push path. */
    private int push(Path archive, boolean exact, CredentialStore credentials, RegistryOptions options)
            throws IOException {
        var builder = new dev.hoist.engine.PlanBuilder().environment(io.env()).source(archive.toString());
        if (exact) {
            builder.repository(tag);
        } else {
            builder.to(to);
        }
        dev.hoist.engine.PushPlan plan;
        try {
            plan = builder.build();
        } catch (dev.hoist.engine.PlanException e) {
            throw Problems.report(io, e.problems(), e.kind());
        }
        return new PlanRun(io, true, report.quiet, report.json).execute(plan, credentials, options);
    }

    /**
     * Gets a registry base ready for Jib, and says whether Jib may reach it insecurely. Jib trusts the
     * process's default TLS context, so the CAs and client certificate given for the base's registry
     * become that; loopback may fall back to plain HTTP, as for pushes, unless TLS files say the
     * registry speaks TLS. hoist's own client asks the registry first: an untrusted certificate or an
     * unreachable registry is one clear line at once, where Jib would retry for a minute.
     */
    private boolean prepareBase(RegistryOptions options) {
        boolean registryBase = !base.equals("scratch") && !base.startsWith("tar:") && !base.endsWith(".tar");
        // A first segment names a registry when it looks like a host (docker's rule); "library/alpine" is Docker Hub's.
        var first = base.contains("/") ? base.substring(0, base.indexOf('/')) : "";
        if (!registryBase || !ImageRef.isHost(first)) {
            return connection.insecure;
        }
        if (connection.insecure) {
            return true;
        }
        boolean tlsGiven = options.installAsProcessDefault(first);
        var client = new RegistryClient(first, CredentialStore.anonymous().lookup(first), options, null);
        try {
            client.ping();
        } catch (HoistException e) {
            throw new HoistException("--from " + base + ": " + e.getMessage(), e.kind(), e);
        } finally {
            client.close();
        }
        return RegistryOptions.isLoopback(first) && !tlsGiven;
    }

    private static List<String> words(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        var t = text.strip();
        if (t.startsWith("[")) {
            try {
                var list = new ArrayList<String>();
                Json.MAPPER.readTree(t).forEach(n -> list.add(n.asText()));
                return list;
            } catch (IOException e) {
                throw new HoistException("not a JSON array: " + t, HoistException.Kind.USAGE);
            }
        }
        return List.of(t.split("\\s+"));
    }

    private static Map<String, String> pairs(List<String> items, String option) {
        var out = new LinkedHashMap<String, String>();
        for (var item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new HoistException(option + " '" + item + "': expected KEY=VALUE", HoistException.Kind.USAGE);
            }
            out.put(item.substring(0, eq), item.substring(eq + 1));
        }
        return out;
    }
}
