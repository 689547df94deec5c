package dev.hoist.dsl;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialChain;
import dev.hoist.engine.ImageFilter;
import dev.hoist.engine.Mapping;
import dev.hoist.engine.PlanBuilder;
import dev.hoist.engine.PlanException;
import dev.hoist.engine.PushPlan;
import dev.hoist.engine.PushResult;
import dev.hoist.registry.RegistryOptions;
import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import groovy.lang.Script;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.customizers.ImportCustomizer;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.InvokerHelper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One evaluation context of the language: the binding scripts share, the registries, filters and
 * plans they defined, and how {@code push} runs ({@link PushRunner}). {@code hoist run} and
 * {@code hoist check} evaluate one file in a session; the shell evaluates line after line in one.
 * Problems are reported as {@code FILE:LINE:COLUMN: what is wrong}; in check mode they are gathered
 * and evaluation goes on, nothing is pushed and no registry is contacted.
 */
public final class HoistSession implements AutoCloseable {

    /** The binding variable that holds the session, for {@link HoistScript}. */
    public static final String BINDING = "hoistSession";

    private final Map<String, String> env;
    private final Map<String, String> params;
    private final Binding binding = new Binding();
    private final GroovyClassLoader loader;
    private final CompilerConfiguration config = new CompilerConfiguration();
    private final RegistryOptions defaults;
    private PushRunner runner;
    private boolean checkOnly;
    private boolean dryRun;
    private final Map<String, RegistrySpec> registries = new LinkedHashMap<>();
    private final Map<String, FilterSpec> filters = new LinkedHashMap<>();
    private final Map<String, PlanSpec> plans = new LinkedHashMap<>();
    private final List<PushResult> results = new ArrayList<>();
    private final Set<String> problems = new LinkedHashSet<>();
    private final Set<String> warnings = new LinkedHashSet<>();
    private final Map<String, Path> scriptClasses = new HashMap<>();
    private final Map<Path, List<String>> texts = new HashMap<>();
    private final Deque<Path> evaluating = new ArrayDeque<>();
    private final List<Script> included = new ArrayList<>();
    private final Set<Path> includedFiles = new LinkedHashSet<>();
    private final List<Path> built = new ArrayList<>();
    private int scripts;
    private int inline;

    /**
     * @param env the environment credentials and the Docker daemon are looked up in
     * @param params {@code -P NAME=VALUE} pairs, as {@code params} in scripts
     * @param out where {@code println} of scripts goes
     * @param runner how pushes run; may be null for a session that only checks
     */
    public HoistSession(Map<String, String> env, Map<String, String> params, PrintStream out, PushRunner runner) {
        this.env = Map.copyOf(env);
        this.params = new LinkedHashMap<>(params);
        this.runner = runner;
        this.defaults = new RegistryOptions(false, null, 5, 0, Duration.ofSeconds(30), 8,
                Dirs.config().resolve("certs.d"), null, null, Dirs.cache().resolve("uploads"));
        binding.setVariable(BINDING, this);
        binding.setVariable("out", out);
        config.setScriptBaseClass(HoistScript.class.getName());
        config.addCompilationCustomizers(new ImportCustomizer().addStarImports("java.time"), new SlashyPatterns());
        loader = new GroovyClassLoader(HoistSession.class.getClassLoader(), config);
    }

    /**
     * Adds compilation customizers for every script evaluated from now on (the shell keeps
     * top-level {@code def}s in the binding and makes loops interruptible by Ctrl-C).
     */
    public HoistSession customize(org.codehaus.groovy.control.customizers.CompilationCustomizer... customizers) {
        config.addCompilationCustomizers(customizers);
        return this;
    }

    /** Declarations only: nothing is pushed, no registry contacted, problems gathered instead of thrown. */
    public HoistSession checkOnly(boolean value) {
        checkOnly = value;
        return this;
    }

    /** Every push becomes a dry run. */
    public HoistSession dryRun(boolean value) {
        dryRun = value;
        return this;
    }

    public HoistSession runner(PushRunner value) {
        runner = value;
        return this;
    }

    /** The binding every script and line of this session shares. */
    public Binding binding() {
        return binding;
    }

    public Map<String, RegistrySpec> registries() {
        return java.util.Collections.unmodifiableMap(registries);
    }

    public Map<String, FilterSpec> filters() {
        return java.util.Collections.unmodifiableMap(filters);
    }

    public Map<String, PlanSpec> plans() {
        return java.util.Collections.unmodifiableMap(plans);
    }

    /** Every push's result, in order, for one report of the whole run. */
    public List<PushResult> results() {
        return List.copyOf(results);
    }

    /** Problems found in check mode, {@code FILE:LINE:COLUMN: ...} each. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Things worth saying that do not stop a run: a literal password, a source not there yet. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    Map<String, String> params() {
        return params;
    }

    /** The registry options pushes start from, for registries a script does not define. */
    public RegistryOptions registryDefaults() {
        return defaults;
    }

    // ---- evaluation ----

    /** Evaluates a script file; its problems stop it ({@link ScriptException}) unless in check mode. */
    public Object evaluate(Path file) {
        var path = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new ScriptException(List.of(display(path) + ": no such file"), HoistException.Kind.USAGE, null);
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScriptException(List.of(display(path) + ": cannot read: " + e.getMessage()), HoistException.Kind.USAGE, e);
        }
        return evaluate(text, path);
    }

    /**
     * Evaluates code in this session's binding, as if it were a file at {@code path} (whose folder
     * {@code include} and relative paths start from): the shell sends each line here.
     */
    public Object evaluate(String code, Path path) {
        try {
            var script = compile(code, path);
            evaluating.push(path);
            try {
                return script.run();
            } finally {
                evaluating.pop();
            }
        } catch (ScriptException e) {
            if (!checkOnly) {
                throw e;
            }
            e.problems().forEach(this::report);
            return null;
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            var hoist = e instanceof HoistException h && !(e instanceof PlanException) ? h : null;
            var line = describe(e);
            if (!checkOnly) {
                throw new ScriptException(List.of(line), hoist != null ? hoist.kind() : HoistException.Kind.USAGE, e);
            }
            report(line);
            return null;
        }
    }

    private Script compile(String code, Path path) {
        texts.put(path, code.lines().toList());
        var known = includedNames(code, path);
        // What earlier lines of a session bound (a closure, the shell's load) is a word too.
        for (var name : binding.getVariables().keySet()) {
            known.add(String.valueOf(name));
        }
        var found = new WordCheck(known).check(code, path.getFileName().toString());
        for (var p : found) {
            problems.add(display(path) + ":" + p);
        }
        if (!found.isEmpty() && !checkOnly) {
            throw new ScriptException(found.stream().map(p -> display(path) + ":" + p).toList(), HoistException.Kind.USAGE, null);
        }
        var stem = path.getFileName().toString().replaceFirst("\\.groovy$", "").replaceAll("[^A-Za-z0-9_]", "_");
        var className = "hoist_" + stem + "_" + (++scripts);
        scriptClasses.put(className, path);
        Class<?> type;
        try {
            type = loader.parseClass(new GroovyCodeSource(code, className + ".groovy", "/groovy/script"), false);
        } catch (MultipleCompilationErrorsException e) {
            var lines = new ArrayList<String>();
            for (var m : e.getErrorCollector().getErrors()) {
                if (m instanceof SyntaxErrorMessage s) {
                    var c = s.getCause();
                    lines.add(display(path) + ":" + c.getLine() + ":" + c.getStartColumn() + ": " + c.getOriginalMessage());
                } else {
                    lines.add(display(path) + ": " + e.getMessage());
                }
            }
            throw new ScriptException(lines, HoistException.Kind.USAGE, e);
        }
        return InvokerHelper.createScript(type, binding);
    }

    /** Names the files a script includes define (methods, variables), so the word check knows them. */
    private Set<String> includedNames(String code, Path path) {
        var names = new LinkedHashSet<String>();
        var include = java.util.regex.Pattern.compile("include\\s*\\(?\\s*['\"]([^'\"]+)['\"]");
        var m = include.matcher(code);
        while (m.find()) {
            var file = path.getParent().resolve(m.group(1)).normalize();
            if (Files.isRegularFile(file) && !file.equals(path)) {
                try {
                    var text = Files.readString(file, StandardCharsets.UTF_8);
                    names.addAll(WordCheck.definedNames(text));
                    names.addAll(includedNames(text, file));
                } catch (IOException ignored) {
                    // Reported when the include runs.
                }
            }
        }
        return names;
    }

    void include(String relative) {
        var base = evaluating.isEmpty() ? Path.of("").toAbsolutePath() : evaluating.peek().getParent();
        var file = base.resolve(relative).normalize();
        if (!Files.isRegularFile(file)) {
            problem("include '" + relative + "': no such file (" + display(file) + ")", relative);
            return;
        }
        if (!includedFiles.add(file)) {
            return;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problem("include '" + relative + "': cannot read: " + e.getMessage(), relative);
            return;
        }
        var script = compile(text, file);
        evaluating.push(file);
        try {
            script.run();
            included.add(script);
        } finally {
            evaluating.pop();
        }
    }

    /** An included script that defines a method fit for these arguments, or null. */
    Script includedMethod(String name, Object args) {
        var array = args instanceof Object[] a ? a : new Object[]{args};
        for (var s : included) {
            if (!s.getMetaClass().respondsTo(s, name, array).isEmpty()) {
                return s;
            }
        }
        return null;
    }

    // ---- problems and where they are ----

    /**
     * A problem at the script line being evaluated: thrown at once in a run, gathered in check mode.
     * {@code hint} is text of that line (a word, an argument) whose column is reported.
     */
    void problem(String message, String hint) {
        var line = at(Thread.currentThread().getStackTrace(), hint) + message;
        if (!checkOnly) {
            throw new ScriptException(List.of(line), HoistException.Kind.USAGE, null);
        }
        report(line);
    }

    /** A name no word, method or variable answers: thrown in a run; in check mode reported, and null goes on. */
    Object missing(RuntimeException e) {
        if (!checkOnly) {
            throw e;
        }
        // Groovy throws these without a stack trace: the place is where the call is now.
        e.setStackTrace(Thread.currentThread().getStackTrace());
        report(describe(e));
        return null;
    }

    /** Adds a problem unless one was already reported at the same place (the word check finds typos first). */
    private void report(String line) {
        var m = PLACE.matcher(line);
        if (m.find()) {
            var place = m.group(1);
            if (problems.stream().anyMatch(p -> p.startsWith(place))) {
                return;
            }
        }
        problems.add(line);
    }

    private static final java.util.regex.Pattern PLACE = java.util.regex.Pattern.compile("^(.*?:\\d+:\\d+:)");

    /** Something that may be fine when the script runs (a file built before, a variable set later). */
    void warning(String message, String hint) {
        warnings.add(at(Thread.currentThread().getStackTrace(), hint) + "warning: " + message);
    }

    /** {@code FILE:LINE:COLUMN: } of the innermost script frame, the column where {@code hint} is on that line. */
    private String at(StackTraceElement[] trace, String hint) {
        for (var f : trace) {
            var cls = f.getClassName();
            int dollar = cls.indexOf('$');
            var file = scriptClasses.get(dollar < 0 ? cls : cls.substring(0, dollar));
            if (file != null && f.getLineNumber() > 0) {
                return display(file) + ":" + f.getLineNumber() + ":" + column(file, f.getLineNumber(), hint) + ": ";
            }
        }
        return evaluating.isEmpty() ? "" : display(evaluating.peek()) + ": ";
    }

    private int column(Path file, int line, String hint) {
        var lines = texts.getOrDefault(file, List.of());
        if (line > lines.size()) {
            return 1;
        }
        var text = lines.get(line - 1);
        if (hint != null && !hint.isEmpty()) {
            // A name written as a string points at its opening quote.
            for (var h : List.of("'" + hint + "'", "\"" + hint + "\"", hint)) {
                int i = text.indexOf(h);
                if (i >= 0) {
                    return i + 1;
                }
            }
        }
        int first = 0;
        while (first < text.length() && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        return first + 1;
    }

    /** The path as the user would write it: relative to the working directory when under it. */
    private static String display(Path file) {
        var cwd = Path.of("").toAbsolutePath();
        return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
    }

    /** One line for an exception out of a script: where, and what, with "did you mean" for a misspelt word. */
    private String describe(Throwable e) {
        if (e instanceof MissingMethodException m && isOurs(m.getType())) {
            var name = m.getMethod();
            var where = at(e.getStackTrace(), name);
            if (Words.ALL.contains(name)) {
                // The values given to a secret's word are never echoed.
                var secret = java.util.Set.of("password", "token", "credentials", "username").contains(name);
                return where + "'" + name + "' does not take " + arguments(m.getArguments(), secret) + usage(name);
            }
            return where + "unknown word '" + name + "'" + didYouMean(name, Words.ALL);
        }
        if (e instanceof MissingPropertyException p && isOurs(p.getType())) {
            var name = p.getProperty();
            var known = new LinkedHashSet<>(Words.ALL);
            binding.getVariables().keySet().forEach(k -> known.add(String.valueOf(k)));
            return at(e.getStackTrace(), name) + "unknown name '" + name + "'" + didYouMean(name, known);
        }
        if (e instanceof PlanException plan) {
            return at(e.getStackTrace(), null) + String.join("; ", plan.problems());
        }
        if (e instanceof HoistException h) {
            return at(e.getStackTrace(), null) + h.getMessage();
        }
        var message = e.getMessage() == null ? "" : ": " + e.getMessage();
        return at(e.getStackTrace(), null) + e.getClass().getSimpleName() + message;
    }

    private static boolean isOurs(Class<?> type) {
        return type == null || Script.class.isAssignableFrom(type) || Closure.class.isAssignableFrom(type)
                || type.getPackageName().equals(HoistSession.class.getPackageName());
    }

    private static String arguments(Object[] args, boolean secret) {
        if (args == null || args.length == 0) {
            return "no arguments";
        }
        var types = new ArrayList<String>();
        for (var a : args) {
            types.add(secret && a instanceof CharSequence ? "a string" : describe(a));
        }
        return "(" + String.join(", ", types) + ")";
    }

    /** What a value is, for messages: {@code a String ('x')}, {@code a closure}. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Closure) {
            return "a closure";
        }
        if (value instanceof CharSequence s) {
            return "a string ('" + s + "')";
        }
        return "a " + value.getClass().getSimpleName();
    }

    private static String usage(String word) {
        var forms = new LinkedHashSet<String>();
        for (var type : List.of(HoistScript.class, RegistrySpec.class, FilterSpec.class, PlanSpec.class, BuildSpec.class)) {
            for (var m : type.getDeclaredMethods()) {
                if (m.getName().equals(word) && java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                    var ps = new ArrayList<String>();
                    for (var p : m.getParameterTypes()) {
                        ps.add(p == Closure.class ? "{ ... }" : p.isArray() ? p.getComponentType().getSimpleName() + "..." : p.getSimpleName());
                    }
                    forms.add(word + "(" + String.join(", ", ps) + ")");
                }
            }
        }
        return forms.isEmpty() ? "" : "; it takes " + String.join(" or ", forms);
    }

    /** {@code ; did you mean 'x'?} when a known word is close, else nothing. */
    static String didYouMean(String word, Collection<String> known) {
        var best = Words.closest(word, known);
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    // ---- the words ----

    RegistrySpec defineRegistry(String name, Closure<?> body) {
        if (registries.containsKey(name)) {
            problem("registry '" + name + "' is defined twice", name);
        }
        var spec = new RegistrySpec(this, name, currentDir());
        callWith(body, spec);
        if (!spec.complete()) {
            problem("registry '" + name + "' has no host: add host 'HOST[:PORT]' or url 'https://...'", name);
        }
        registries.put(name, spec);
        return spec;
    }

    RegistrySpec registry(String name) {
        var spec = registries.get(name);
        if (spec == null) {
            problem("unknown registry '" + name + "'" + didYouMean(name, registries.keySet())
                    + (registries.isEmpty() ? " (no registry is defined yet)" : ""), name);
        }
        return spec;
    }

    FilterSpec filter(Closure<?> body) {
        var spec = new FilterSpec(this);
        callWith(body, spec);
        return spec;
    }

    FilterSpec defineFilter(String name, Closure<?> body) {
        var spec = filter(body);
        filters.put(name, spec);
        return spec;
    }

    FilterSpec namedFilter(String name) {
        var spec = filters.get(name);
        if (spec == null) {
            problem("unknown filter '" + name + "'" + didYouMean(name, filters.keySet()), name);
        }
        return spec;
    }

    FilterSpec anyOf(List<FilterSpec> all) {
        var spec = new FilterSpec(this);
        var parts = all.stream().filter(java.util.Objects::nonNull).map(FilterSpec::imageFilter).toList();
        spec.condition(ImageFilter.any(parts), "any(...)");
        return spec;
    }

    FilterSpec notOf(FilterSpec filter) {
        var spec = new FilterSpec(this);
        if (filter != null) {
            spec.exclude(filter);
        }
        return spec;
    }

    PlanSpec definePlan(String name, Closure<?> body) {
        if (plans.containsKey(name)) {
            problem("plan '" + name + "' is defined twice", name);
        }
        var spec = new PlanSpec(this, name, currentDir());
        callWith(body, spec);
        plans.put(name, spec);
        return spec;
    }

    PlanSpec inlinePlan(Closure<?> body) {
        var spec = new PlanSpec(this, "inline-" + (++inline), currentDir());
        callWith(body, spec);
        return spec;
    }

    PlanSpec plan(String name) {
        var spec = plans.get(name);
        if (spec == null) {
            problem("unknown plan '" + name + "'" + didYouMean(name, plans.keySet())
                    + (plans.isEmpty() ? " (no plan is defined yet)" : ""), name);
        }
        return spec;
    }

    SemverRange semver(String range) {
        try {
            ImageFilter.semver(range);
            return new SemverRange(range, true);
        } catch (IllegalArgumentException e) {
            problem("semver('" + range + "'): " + e.getMessage(), range);
            return new SemverRange(range, false);
        }
    }

    Source archives(List<String> globs) {
        if (globs.size() != 1) {
            // Several globs: one source per glob, gathered by from(...).
            problem("archives takes one glob; write from archives('a/*.tar'), archives('b/*.tar')", "archives");
        }
        var source = new Source(Source.Kind.ARCHIVES, globs.isEmpty() ? "" : globs.get(0), currentDir(), null);
        if (checkOnly && source.files().isEmpty()) {
            warning("archives('" + source.text + "') matches no file yet", source.text);
        }
        return source;
    }

    Source layout(String dir) {
        return new Source(Source.Kind.LAYOUT, dir, currentDir(), null);
    }

    Source daemon(String pattern) {
        return new Source(Source.Kind.DAEMON, pattern, currentDir(), null);
    }

    Source build(String dir, Closure<?> body) {
        var spec = new BuildSpec(this, currentDir().resolve(dir).normalize());
        if (body != null) {
            callWith(body, spec);
        }
        if (checkOnly && !Files.isDirectory(spec.dir())) {
            warning("build('" + dir + "'): no such directory yet", dir);
        }
        return new Source(Source.Kind.BUILD, dir, currentDir(), spec);
    }

    Secret secretFile(String path) {
        var file = currentDir().resolve(path).normalize();
        if (checkOnly && !Files.isRegularFile(file)) {
            warning("file('" + path + "') does not exist yet", path);
        }
        return Secret.file(file);
    }

    Path existingFile(Path base, String path, String word) {
        var file = base.resolve(path).normalize();
        if (!Files.isRegularFile(file)) {
            if (checkOnly) {
                warning(word + " '" + path + "': no such file yet", path);
            }
        }
        return file;
    }

    void checkCredentials(CredentialRef ref) {
        if (!checkOnly || ref == null) {
            return;
        }
        if (ref.literal()) {
            warning("a secret written in the script: prefer env('NAME'), file('path'), login() or dockerConfig()", null);
        }
        for (var unset : ref.unset(env)) {
            warning(unset + " (it must be set when the script runs)", null);
        }
    }

    private Path currentDir() {
        return evaluating.isEmpty() ? Path.of("").toAbsolutePath() : evaluating.peek().getParent();
    }

    /** Runs a block with its delegate, the words of that block first. */
    static Object callWith(Closure<?> body, Object delegate) {
        var c = (Closure<?>) body.clone();
        c.setDelegate(delegate);
        c.setResolveStrategy(Closure.DELEGATE_FIRST);
        return c.getMaximumNumberOfParameters() == 0 ? c.call() : c.call(delegate);
    }

    // ---- pushing ----

    private PlanSpec resolve(Object what) {
        if (what instanceof PlanSpec p) {
            return p;
        }
        return plan(String.valueOf(what));
    }

    PushOutcome push(Object what, boolean dry) {
        var spec = resolve(what);
        var empty = new PushResult(Instant.now(), Instant.now(), 0, List.of(), 0, false, dry || dryRun);
        if (spec == null) {
            return new PushOutcome(empty, runner, currentDir());
        }
        if (checkOnly) {
            checkPlan(spec, true);
            return new PushOutcome(empty, runner, currentDir());
        }
        if (runner == null) {
            throw new HoistException("this session cannot push", HoistException.Kind.USAGE);
        }
        var plan = plan(spec, dry || dryRun, dry ? "dryRun" : "push");
        if (plan == null) {
            return new PushOutcome(empty, runner, currentDir());
        }
        var result = runner.run(spec.getName(), plan);
        if (result == null) {
            // The runner sent it to the background (the shell's push 'p' &): no result yet.
            return null;
        }
        results.add(result);
        if (result.cancelled()) {
            throw new HoistException("cancelled", HoistException.Kind.CANCELLED);
        }
        return new PushOutcome(result, runner, currentDir());
    }

    List<ImageInfo> images(Object what) {
        var spec = resolve(what);
        if (spec == null || checkOnly) {
            if (spec != null) {
                checkPlan(spec, false);
            }
            return List.of();
        }
        var builder = builder(spec, false);
        try {
            return builder.select().images().stream().map(ImageInfo::new).toList();
        } catch (PlanException e) {
            problems(e, "images");
            return List.of();
        }
    }

    private void checkPlan(PlanSpec spec, boolean needsTarget) {
        if (spec.sources.isEmpty()) {
            problem(spec + " has no source: add from archives(...), layout(...), daemon(...) or build(...)", null);
        }
        if (needsTarget && spec.targets.isEmpty()) {
            problem(spec + " has no target: add to registry('name'), layout('dir') or 'HOST/NAMESPACE'", null);
        }
    }

    /**
     * The engine's plan for a plan of this session, sources opened and checked, each registry with
     * its own settings and credentials: what the shell submits as a background job.
     */
    public PushPlan buildPlan(String name) {
        var spec = plan(name);
        return spec == null ? null : plan(spec, dryRun, name);
    }

    private PushPlan plan(PlanSpec spec, boolean dry, String word) {
        checkPlan(spec, true);
        try {
            return builder(spec, dry).build();
        } catch (PlanException e) {
            problems(e, word);
            return null;
        } catch (HoistException e) {
            problem(e.getMessage(), word);
            return null;
        }
    }

    private void problems(PlanException e, String word) {
        var where = at(Thread.currentThread().getStackTrace(), word);
        var lines = e.problems().stream().map(p -> where + p).toList();
        if (!checkOnly) {
            throw new ScriptException(lines, e.kind(), e);
        }
        problems.addAll(lines);
    }

    private PlanBuilder builder(PlanSpec spec, boolean dry) {
        var b = new PlanBuilder().environment(env);
        for (var s : spec.sources) {
            switch (s.kind) {
                case ARCHIVES -> {
                    var files = s.files();
                    if (files.isEmpty()) {
                        problem("archives('" + s.text + "') matches no file (in " + display(s.baseDir) + ")", s.text);
                    }
                    files.forEach(f -> b.source(f.toString()));
                }
                case LAYOUT -> b.source("oci:" + s.path());
                case DAEMON -> b.fromDaemon(s.text);
                case BUILD -> b.source(buildArchive(s.build).toString());
                case SPEC -> b.source(sourceSpec(s));
            }
        }
        for (var t : spec.targets) {
            if (t instanceof RegistrySpec r) {
                b.to(r.target());
                b.registry(r.getHost(), r.options(defaults, spec.retries), r.credentials(env));
            } else if (t instanceof Source layout) {
                b.to("oci:" + layout.path());
            } else {
                var text = (String) t;
                b.to(text);
                if (spec.retries != null && !text.startsWith("oci:")) {
                    var host = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
                    b.registry(host, new RegistryOptions(defaults.insecure(), defaults.caCert(), spec.retries, defaults.chunkSize(),
                            defaults.connectTimeout(), defaults.maxPerRegistry(), defaults.certsDir(), defaults.clientCert(),
                            defaults.clientKey(), defaults.sessionsDir()), null);
                }
            }
        }
        var compression = spec.compression;
        if (compression == null) {
            // The registries' own choice, when the plan makes none; they must agree, one compression per plan.
            var asked = spec.targets.stream().filter(RegistrySpec.class::isInstance).map(t -> ((RegistrySpec) t).compression())
                    .filter(java.util.Objects::nonNull).distinct().toList();
            if (asked.size() > 1) {
                problem(spec + ": its registries ask for different compressions (" + asked
                        + "); say which with compression on the plan", "compression");
            }
            compression = asked.isEmpty() ? null : asked.get(0);
        }
        if (compression != null) {
            b.compression(compression);
        }
        spec.filters.forEach(f -> f.applyTo(b));
        if (spec.platform != null) {
            b.platform(spec.platform);
        }
        Mapping.Renamer renamer = null;
        if (spec.renameClosure != null) {
            var closure = spec.renameClosure;
            renamer = (image, repository, tag) -> {
                var named = callWith(closure, new ImageInfo(image, repository));
                return named == null ? null : named.toString();
            };
        }
        if (spec.renameTemplate != null || renamer != null || spec.stripPrefix != null || !spec.addTags.isEmpty()) {
            b.mapping(new Mapping(spec.stripPrefix, spec.renameTemplate, spec.addTags, renamer));
        }
        return b.concurrency(spec.concurrency).failFast(spec.failFast).dryRun(dry)
                .onExisting(spec.onExisting).immutable(spec.immutable);
    }

    /** A source written as {@code hoist push} takes it; a relative path is taken from the script's folder. */
    private static String sourceSpec(Source s) {
        var m = java.util.regex.Pattern.compile("^(oci|oci-archive|docker-archive):(.*)$").matcher(s.text);
        if (m.matches()) {
            return m.group(1) + ":" + s.baseDir.resolve(m.group(2)).normalize();
        }
        if (s.text.startsWith("docker-daemon:")) {
            return s.text;
        }
        return s.baseDir.resolve(s.text).normalize().toString();
    }

    /** Builds a {@code build(...)} source into an archive in the spool, with the usual credentials for its base. */
    private Path buildArchive(BuildSpec spec) {
        try {
            var spool = Files.createDirectories(Dirs.cache().resolve("spool"));
            var out = Files.createTempFile(spool, "build-", ".tar");
            built.add(out);
            spec.build().buildTar(out, spec.name(), CredentialChain.standard(null, env, Dirs.config()), false);
            return out;
        } catch (IOException e) {
            throw new HoistException("build('" + spec.dir() + "'): " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }

    /** Removes the archives {@code build(...)} made and lets go of the classes of its scripts. */
    @Override
    public void close() {
        for (var f : built) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // The spool is cleared at the end of the command anyway.
            }
        }
        built.clear();
        // Groovy keeps every class's meta class in global caches: in a long-lived server, the classes
        // of every line of every session that ended would stay there.
        for (var c : loader.getLoadedClasses()) {
            org.codehaus.groovy.runtime.InvokerHelper.removeClass(c);
        }
        try {
            loader.close();
        } catch (IOException ignored) {
            // Nothing held open that matters once the session ends.
        }
    }
}
