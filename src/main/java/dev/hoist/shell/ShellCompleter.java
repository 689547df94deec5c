package dev.hoist.shell;

import dev.hoist.Dirs;
import dev.hoist.cli.RegistryAccess;
import dev.hoist.image.ImageRef;
import dev.hoist.image.Index;
import dev.hoist.image.MediaTypes;
import dev.hoist.registry.RegistryException;
import dev.hoist.source.DockerDaemon;
import dev.hoist.source.SourceName;
import dev.hoist.source.Sources;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Tab: command names and their options from picocli; option values picocli knows (and
 * platforms); sources as paths with their {@code oci:} / {@code docker-archive:} prefixes; the
 * names of a source's images after {@code oci:DIR:} and as {@code --include} / {@code --tags}
 * values; in a push's target, the repositories of those images under {@code HOST/} and the tags
 * a registry repository holds after {@code HOST/REPO:}; job
 * numbers; Groovy names of the session (variables, DSL words). What is read from disk or a
 * registry is read on a thread of its own and waited for {@link #BUDGET} at most: a Tab never
 * hangs on a slow disk or an unreachable registry, never throws and never prints. Completes on a command tree of its
 * own that lives as long as the shell: picocli's completion binds values into the model, so it
 * never touches the tree a line executes on.
 */
final class ShellCompleter implements Completer {

    static final List<String> SOURCE_PREFIXES = List.of("oci:", "oci-archive:", "docker-archive:", "docker-daemon:");
    static final List<String> PLATFORMS = List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
            "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64");
    private static final Set<String> WITH_JOB = Set.of("wait", "cancel", "pause", "resume", "retry", "limit", "dashboard");
    private static final Set<String> WITH_SOURCES = Set.of("push", "images", "build", "load", "run", "check");
    /** Options of push and build whose value is an image reference in a registry. */
    private static final Set<String> TARGET_OPTIONS = Set.of("--to", "-t", "--tag", "--from");
    /** How long a Tab waits for what it reads: a source's index.json, a registry's tags. */
    static final Duration BUDGET = Duration.ofMillis(1500);

    /** Threads for what Tab reads; idle ones end after a few seconds: a server runs many shells. */
    private final ExecutorService lookups = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
        var t = new Thread(r, "hoist-completion");
        t.setDaemon(true);
        return t;
    });
    /**
     * A repository's tags are kept 30 s; a registry that could not be reached is kept as such, so it
     * costs one wait, not one per Tab; a refusal (401 before the credentials are typed) is not.
     */
    private final Lookups<String> remoteTags = new Lookups<>(lookups, Duration.ofSeconds(30),
            failure -> failure instanceof RegistryException r && r.status() != 0);
    /** A source's names, kept briefly: the files may change between two Tabs, but not between two keys. */
    private final Lookups<SourceName> sourceNames = new Lookups<>(lookups, Duration.ofSeconds(3), failure -> false);
    /** A daemon's image names, by its host: an image loaded meanwhile shows at a Tab a few seconds later. */
    private final Lookups<String> daemonTags = new Lookups<>(lookups, Duration.ofSeconds(5), failure -> false);

    private final Shell shell;
    private final CommandLine tree;

    ShellCompleter(Shell shell, CommandLine tree) {
        this.shell = shell;
        this.tree = tree;
        // The first index.json read loads the JSON classes (half a second on a cold JVM): while the
        // user types, not in the first Tab's budget.
        lookups.execute(() -> {
            try {
                Index.parse("{\"schemaVersion\":2,\"manifests\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        MediaTypes.OCI_INDEX, "index.json");
            } catch (RuntimeException e) {
                // Only a head start.
            }
        });
    }

    /** The shell ended: no more lookups; idle threads end now, a registry still being asked ends with its timeout. */
    void close() {
        lookups.shutdown();
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        try {
            candidates(line, candidates);
        } catch (RuntimeException e) {
            // Tab offers what it found before; it never breaks the line being typed.
        }
    }

    private void candidates(ParsedLine line, List<Candidate> candidates) {
        var words = line.words();
        int index = line.wordIndex();
        var typed = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        if (index == 0) {
            commands(candidates);
            groovyNames(candidates);
            return;
        }
        if (!shell.isCommand(line.line())) {
            groovyNames(candidates);
            return;
        }
        var command = words.get(0);
        var previous = words.get(index - 1);
        var found = new ArrayList<CharSequence>();
        try {
            AutoComplete.complete(tree.getCommandSpec(), words.toArray(String[]::new), index, 0, typed.length(), found);
        } catch (RuntimeException e) {
            // A line picocli cannot make sense of yet completes with what else there is.
        }
        found.forEach(c -> candidates.add(new Candidate(c.toString())));
        if (typed.startsWith("-")) {
            return;
        }
        if (previous.equals("--platform")) {
            PLATFORMS.forEach(p -> candidates.add(new Candidate(p)));
            return;
        }
        if (WITH_JOB.contains(command)) {
            for (var job : shell.jobs()) {
                var s = job.snapshot();
                candidates.add(new Candidate(String.valueOf(s.id()), String.valueOf(s.id()), null,
                        s.name() + " (" + s.state().name().toLowerCase(java.util.Locale.ROOT) + ")", null, null, true));
            }
            return;
        }
        long deadline = System.nanoTime() + BUDGET.toNanos();
        boolean positional = !previous.startsWith("-") || !takesValue(command, previous);
        boolean target = command.equals("push") && (positional || previous.equals("--to"))
                || command.equals("build") && TARGET_OPTIONS.contains(previous);
        if (target && remoteTags(words, typed, candidates, deadline)) {
            return;
        }
        if (command.equals("push") && positional && targetRepositories(command, words, index, typed, candidates, deadline)) {
            return;
        }
        if (WITH_SOURCES.contains(command) && typed.startsWith("docker-daemon:") && !previous.startsWith("-")) {
            daemonNames("docker-daemon:", candidates, deadline);
            return;
        }
        if (previous.equals("--from-daemon")) {
            daemonNames("", candidates, deadline);
            return;
        }
        if (WITH_SOURCES.contains(command) && sourceNames(typed, candidates, deadline)) {
            return;
        }
        if (previous.equals("--include") || previous.equals("--exclude") || previous.equals("--tags")) {
            filterValues(command, words, index, previous.equals("--tags"), candidates, deadline);
            return;
        }
        if (WITH_SOURCES.contains(command) && (previous.startsWith("--") ? optionTakesPath(command, previous) : true)) {
            paths(typed, candidates);
        }
    }

    /**
     * {@code HOST/REPO:} in a target: the tags the repository holds, asked of the registry with the
     * credentials and TLS settings the line's push would use. False when the word is no such reference.
     */
    private boolean remoteTags(List<String> words, String typed, List<Candidate> candidates, long deadline) {
        int colon = typed.lastIndexOf(':');
        if (colon < typed.lastIndexOf('/') || typed.indexOf('/') < 0 || SOURCE_PREFIXES.stream().anyMatch(typed::startsWith)) {
            return false;
        }
        ImageRef ref;
        try {
            ref = ImageRef.parse(typed.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (ref.tag() != null || ref.digest() != null) {
            return false;
        }
        var host = ref.registry();
        var repository = ref.repository();
        var access = RegistryAccess.forLine(List.copyOf(words), host, shell.io(), BUDGET);
        // Kept per credentials the line gives too: another -u or --token may see other tags, or none.
        var tags = remoteTags.get(host + "/" + repository + " as " + access.identity(), () -> {
            var client = access.client(host);
            try {
                return client.tags(repository);
            } finally {
                client.close();
            }
        }, left(deadline));
        for (var tag : tags) {
            candidates.add(new Candidate(host + "/" + repository + ":" + tag, tag, null, null, null, null, true));
        }
        return true;
    }

    /**
     * {@code oci:DIR:} and {@code docker-archive:FILE:}: the names of the images in DIR's index.json
     * or FILE's manifest.json. False when the word names no source with a selector yet.
     */
    private boolean sourceNames(String typed, List<Candidate> candidates, long deadline) {
        var source = selectedSource(typed);
        if (source == null) {
            return false;
        }
        for (var name : sourceNames.get(source, () -> Sources.names(source), left(deadline))) {
            candidates.add(new Candidate(source + ":" + name.ref(), name.ref(), null, null, null, null, true));
        }
        return true;
    }

    /**
     * {@code docker-daemon:} (and {@code --from-daemon}'s value): the {@code REPO:TAG} names of the
     * images of the daemon the line's push would read ({@code DOCKER_HOST}, the Docker context).
     * A daemon that does not answer offers nothing, and is not asked again for a few seconds.
     */
    private void daemonNames(String prefix, List<Candidate> candidates, long deadline) {
        var env = shell.io().env();
        for (var tag : daemonTags.get(DockerDaemon.host(env), () -> DockerDaemon.connect(env).tags(), left(deadline))) {
            candidates.add(new Candidate(prefix + tag, tag, null, null, null, null, true));
        }
    }

    /** The repositories (or tags) of the images in the sources already on the line: {@code --include}, {@code --tags}. */
    private void filterValues(String command, List<String> words, int index, boolean tags, List<Candidate> candidates, long deadline) {
        var values = new TreeSet<String>();
        for (var name : namesOnLine(command, words, index, deadline)) {
            var v = tags ? name.tag() : name.repository();
            if (v != null) {
                values.add(v);
            }
        }
        values.forEach(v -> candidates.add(new Candidate(v, v, null, null, null, null, true)));
    }

    /**
     * {@code HOST/} in a push's target: the repositories of the images in the line's sources under
     * it ({@code localhost:5000/demo/app}), where the push would put them; a {@code :} then asks
     * the registry for the tags there. False when the word is no registry host and path.
     */
    private boolean targetRepositories(String command, List<String> words, int index, String typed, List<Candidate> candidates,
                                       long deadline) {
        int slash = typed.indexOf('/');
        if (slash < 0 || typed.lastIndexOf(':') > typed.lastIndexOf('/') || SOURCE_PREFIXES.stream().anyMatch(typed::startsWith)
                || Files.exists(Path.of(typed.substring(0, slash + 1)))) {
            return false;
        }
        var host = typed.substring(0, slash);
        try {
            if (!ImageRef.isHost(host) || !ImageRef.parse(host + "/x").registry().equals(host)) {
                return false;
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        var repositories = new TreeSet<String>();
        for (var name : namesOnLine(command, words, index, deadline)) {
            if (name.repository() != null) {
                repositories.add(name.repository());
            }
        }
        for (var repository : repositories) {
            // Not complete: a ':' may follow, for the tags the registry holds there.
            candidates.add(new Candidate(host + "/" + repository, repository, null, null, null, null, false));
        }
        return true;
    }

    /** The names of the images in the sources on the line (its positional words that name a source), but the word at {@code index}. */
    private List<SourceName> namesOnLine(String command, List<String> words, int index, long deadline) {
        var sources = new ArrayList<String>();
        for (int i = 1; i < words.size(); i++) {
            var word = words.get(i);
            boolean value = words.get(i - 1).startsWith("-") && takesValue(command, words.get(i - 1));
            if (i == index || word.startsWith("-") || value || word.isEmpty()) {
                continue;
            }
            var selected = selectedSource(word);
            if (selected != null) {
                sources.add(selected);
            } else if (SOURCE_PREFIXES.stream().anyMatch(word::startsWith) || Files.exists(Path.of(word))) {
                sources.add(word);
            }
        }
        var names = new ArrayList<SourceName>();
        for (var source : sources) {
            names.addAll(sourceNames.get(source, () -> Sources.names(source), left(deadline)));
        }
        return names;
    }

    /**
     * The source a word names before its selector: {@code oci:DIR} of {@code oci:DIR:1.3}, split at
     * the first {@code :} after which the path exists; null when the word has no selector part.
     */
    static String selectedSource(String word) {
        var prefix = SOURCE_PREFIXES.stream().filter(word::startsWith).findFirst().orElse(null);
        if (prefix == null || prefix.equals("docker-daemon:")) {
            return null;
        }
        var rest = word.substring(prefix.length());
        for (int colon = rest.indexOf(':'); colon > 0; colon = rest.indexOf(':', colon + 1)) {
            if (Files.exists(Path.of(rest.substring(0, colon)))) {
                return prefix + rest.substring(0, colon);
            }
        }
        return null;
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** Whether an option of the command takes a value (so the word after it is that value, not a positional). */
    private boolean takesValue(String command, String option) {
        var sub = tree.getSubcommands().get(command);
        var spec = sub == null ? null : sub.getCommandSpec().findOption(option);
        return spec != null && spec.arity().max() > 0;
    }

    private boolean optionTakesPath(String command, String option) {
        var sub = tree.getSubcommands().get(command);
        if (sub == null) {
            return false;
        }
        var spec = sub.getCommandSpec().findOption(option);
        // --to oci:DIR, --json FILE, --tar FILE, --ca-cert FILE ...: values named like paths.
        return spec != null && spec.arity().max() > 0
                && spec.paramLabel().matches(".*(FILE|DIR|PATH|TARGET).*");
    }

    private void commands(List<Candidate> candidates) {
        for (var e : tree.getSubcommands().entrySet()) {
            var description = e.getValue().getCommandSpec().usageMessage().description();
            candidates.add(new Candidate(e.getKey(), e.getKey(), "commands",
                    description.length > 0 ? description[0] : null, null, null, true));
        }
    }

    private void groovyNames(List<Candidate> candidates) {
        for (var name : shell.groovyNames()) {
            candidates.add(new Candidate(name, name, "groovy", null, null, null, false));
        }
    }

    /** Files and directories under what is typed, keeping a source prefix ({@code oci:layout/}). */
    private void paths(String typed, List<Candidate> candidates) {
        var prefix = SOURCE_PREFIXES.stream().filter(typed::startsWith).findFirst().orElse("");
        var rest = typed.substring(prefix.length());
        if (prefix.isEmpty()) {
            SOURCE_PREFIXES.forEach(p -> candidates.add(new Candidate(p, p, null, null, null, null, false)));
        }
        if (prefix.equals("docker-daemon:")) {
            return;
        }
        int slash = rest.lastIndexOf('/');
        var dirPart = slash >= 0 ? rest.substring(0, slash + 1) : "";
        var dir = dirPart.isEmpty() ? Path.of(".") : Path.of(dirPart.startsWith("~/")
                ? Dirs.home(shell.io().env()) + dirPart.substring(1) : dirPart);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var entries = Files.list(dir)) {
            entries.limit(500).forEach(entry -> {
                var name = entry.getFileName().toString();
                boolean directory = Files.isDirectory(entry);
                var value = prefix + dirPart + name + (directory ? "/" : "");
                candidates.add(new Candidate(value, name + (directory ? "/" : ""), null, null, null, null, !directory));
            });
        } catch (IOException | RuntimeException e) {
            // An unreadable directory offers nothing.
        }
    }
}
