package dev.hoist.shell;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tab: command names and their options from picocli; option values picocli knows (and
 * platforms); sources as paths with their {@code oci:} / {@code docker-archive:} prefixes; job
 * numbers; Groovy names of the session (variables, DSL words). Completes on a command tree of its
 * own that lives as long as the shell: picocli's completion binds values into the model, so it
 * never touches the tree a line executes on.
 */
final class ShellCompleter implements Completer {

    static final List<String> SOURCE_PREFIXES = List.of("oci:", "oci-archive:", "docker-archive:", "docker-daemon:");
    static final List<String> PLATFORMS = List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
            "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64");
    private static final Set<String> WITH_JOB = Set.of("wait", "cancel", "pause", "resume", "retry", "limit", "dashboard");
    private static final Set<String> WITH_SOURCES = Set.of("push", "images", "build", "load", "run", "check");

    private final Shell shell;
    private final CommandLine tree;

    ShellCompleter(Shell shell, CommandLine tree) {
        this.shell = shell;
        this.tree = tree;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
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
        if (WITH_SOURCES.contains(command) && (previous.startsWith("--") ? optionTakesPath(command, previous) : true)) {
            paths(typed, candidates);
        }
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
    static void paths(String typed, List<Candidate> candidates) {
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
                ? System.getProperty("user.home") + dirPart.substring(1) : dirPart);
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
