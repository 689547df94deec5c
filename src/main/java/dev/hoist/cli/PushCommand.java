package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialChain;
import dev.hoist.credentials.Credentials;
import dev.hoist.engine.BlobInfoCache;
import dev.hoist.engine.CancelToken;
import dev.hoist.engine.Planner;
import dev.hoist.engine.PushEngine;
import dev.hoist.engine.PushItem;
import dev.hoist.engine.PushListener;
import dev.hoist.engine.PushPlan;
import dev.hoist.engine.PushResult;
import dev.hoist.engine.Registries;
import dev.hoist.image.ImageRef;
import dev.hoist.image.Platform;
import dev.hoist.registry.RegistryOptions;
import dev.hoist.source.SourceImage;
import dev.hoist.source.Sources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code hoist push SOURCE... TARGET}: pushes images from archives and layouts to a registry. */
@Command(name = "push", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {"hoist push [OPTIONS] SOURCE... TARGET", "   or: hoist push [OPTIONS] SOURCE... --to TARGET [--to TARGET]..."},
        description = {
                "Pushes images from docker-save archives and OCI layouts to a registry.",
                "",
                "SOURCE is oci:DIR[:TAG|@DIGEST], oci-archive:FILE[:TAG], docker-archive:FILE[:REPO:TAG|:@N],",
                "or a path (a layout directory or a tar, recognised by its content).",
                "TARGET is HOST[:PORT]/REPOSITORY[:TAG]. Without a tag, each image keeps the tag it has in",
                "its source. The last argument is the target unless --to is given.",
                "",
                "Prefer --password-stdin: a password given with -p is visible to other users of the machine."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image pushed", "1:a push failed", "2:bad usage or unreadable input", "130:cancelled"})
final class PushCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ARGS", arity = "1..*", description = "Sources, then the target (unless --to is given).")
    List<String> args = new ArrayList<>();

    @Option(names = "--to", paramLabel = "TARGET", description = "Target repository (HOST[:PORT]/REPO[:TAG]); may repeat.")
    List<String> to = new ArrayList<>();

    @Option(names = {"-u", "--username"}, description = "Registry user name.")
    String username;

    @Option(names = {"-p", "--password"}, description = "Registry password (visible to other users; prefer --password-stdin).")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Option(names = "--insecure", description = "Accept self-signed certificates and plain HTTP.")
    boolean insecure;

    @Option(names = "--ca-cert", paramLabel = "FILE", description = "Trust this CA certificate (PEM) as well.")
    Path caCert;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Push only this platform of a multi-platform image.")
    String platform;

    @Option(names = "--chunk-size", paramLabel = "SIZE", converter = Sizes.class,
            description = "Upload blobs in PATCH chunks of SIZE (e.g. 8MiB) instead of one PUT.")
    long chunkSize;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5", description = "Retries per request on transient failures (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "Blob transfers at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--fail-fast", description = "Stop starting new images after the first failure.")
    boolean failFast;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show progress on stderr: live on a terminal, a line per event elsewhere (default: on).")
    boolean progress;

    @Option(names = "--json", paramLabel = "FILE", arity = "0..1", fallbackValue = "-", preprocessor = JsonReport.OptionalFile.class,
            description = "Write a JSON report to FILE (a name ending in .json, or --json=FILE), or to stdout with no FILE or '-'.")
    String json;

    @Option(names = {"-q", "--quiet"}, description = "No progress; print only the pushed references.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Debug logs (secrets redacted) and stack traces.")
    void verbose(boolean on) {
        Verbosity.set(on);
    }

    private final Main.Io io;

    PushCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        var targets = new ArrayList<String>(to);
        var sources = new ArrayList<String>(args);
        if (targets.isEmpty()) {
            if (sources.size() < 2) {
                throw new HoistException("missing TARGET: hoist push SOURCE... TARGET (or --to TARGET)", HoistException.Kind.USAGE);
            }
            targets.add(sources.remove(sources.size() - 1));
        }
        var credentials = credentials();
        var plan = plan(sources, targets);

        var options = new RegistryOptions(insecure, caCert, retries, chunkSize, Duration.ofSeconds(30));
        var engine = new PushEngine(new Registries(new CredentialChain(credentials, io.env()), options),
                new BlobInfoCache(Dirs.cache()));
        var listeners = new ArrayList<PushListener>();
        if (progress && !quiet) {
            listeners.add(io.terminal() ? new LiveProgress(io.err()) : new PlainProgress(io.err()));
        }
        var cancel = new CancelToken();
        var finished = new CountDownLatch(1);
        var hook = new Thread(() -> {
            cancel.cancel();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "hoist-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        PushResult result;
        try {
            result = engine.run(plan, listeners, cancel);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the summary printed below.
            }
        }
        report(result);
        return exitCode(result);
    }

    private Credentials credentials() throws IOException {
        if (password != null && passwordStdin) {
            throw new HoistException("--password and --password-stdin are mutually exclusive", HoistException.Kind.USAGE);
        }
        if ((password != null || passwordStdin) && username == null) {
            throw new HoistException("a password needs a user name: add -u USER", HoistException.Kind.USAGE);
        }
        if (password != null) {
            io.err().println("WARNING: a password on the command line is visible to other users; use --password-stdin");
            return Credentials.basic(username, password, "--password");
        }
        if (passwordStdin) {
            var text = new String(io.in().readAllBytes(), StandardCharsets.UTF_8);
            var secret = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (secret.isEmpty()) {
                throw new HoistException("--password-stdin: standard input is empty", HoistException.Kind.USAGE);
            }
            return Credentials.basic(username, secret, "--password-stdin");
        }
        if (username != null) {
            throw new HoistException("-u needs a password: add --password-stdin", HoistException.Kind.USAGE);
        }
        return null;
    }

    /** Validates everything the plan needs before any network traffic; reports all problems at once. */
    private PushPlan plan(List<String> sources, List<String> targets) {
        var problems = new ArrayList<String>();
        var refs = new ArrayList<ImageRef>();
        for (var t : targets) {
            try {
                refs.add(ImageRef.parse(t));
            } catch (IllegalArgumentException e) {
                problems.add("target " + e.getMessage());
            }
        }
        Platform wanted = null;
        if (platform != null) {
            try {
                wanted = Platform.parse(platform);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (concurrency < 1) {
            problems.add("--concurrency must be at least 1");
        }
        if (retries < 0) {
            problems.add("--retries must not be negative");
        }
        if (chunkSize < 0) {
            problems.add("--chunk-size must not be negative");
        }
        var images = new ArrayList<SourceImage>();
        var inputKind = HoistException.Kind.USAGE;
        for (var s : sources) {
            try {
                images.addAll(Sources.open(s));
            } catch (HoistException e) {
                problems.add(e.getMessage());
                inputKind = HoistException.Kind.INPUT;
            }
        }
        var items = new ArrayList<PushItem>();
        if (problems.isEmpty()) {
            for (var ref : refs) {
                try {
                    items.addAll(Planner.toTarget(images, ref, wanted));
                } catch (HoistException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            for (int i = 0; i < problems.size() - 1; i++) {
                io.err().println("hoist: " + problems.get(i));
            }
            throw new HoistException(problems.get(problems.size() - 1), inputKind);
        }
        return new PushPlan(items, concurrency, failFast);
    }

    private void report(PushResult result) throws IOException {
        if (json != null) {
            JsonReport.write(result, json, io.out());
        }
        if (json == null || !json.equals("-")) {
            for (var image : result.images()) {
                if (image.ok()) {
                    var t = image.target();
                    io.out().println(new ImageRef(t.registry(), t.repository(), t.tag(), image.digest()));
                }
            }
        }
        for (var image : result.images()) {
            if (!image.ok()) {
                var t = image.target();
                // Registry errors already name the repository; don't say it twice.
                var named = image.error().startsWith(t.registry() + "/" + t.repository());
                io.err().println("hoist: " + (named ? "" : t + ": ") + image.error());
            }
        }
        if (!quiet) {
            io.err().println(Summary.line(result));
        }
    }

    private static int exitCode(PushResult result) {
        if (result.cancelled()) {
            return HoistException.Kind.CANCELLED.exitCode;
        }
        if (result.ok()) {
            return 0;
        }
        boolean input = result.images().stream().anyMatch(i -> i.errorKind() == HoistException.Kind.INPUT);
        return input ? 2 : 1;
    }
}
