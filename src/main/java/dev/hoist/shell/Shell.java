package dev.hoist.shell;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.cli.Main;
import dev.hoist.dashboard.Dashboard;
import dev.hoist.dashboard.StreamTerminal;
import dev.hoist.engine.Job;
import dev.hoist.engine.Jobs;
import dev.hoist.cli.ScriptRunner;
import dev.hoist.cli.Verbosity;
import dev.hoist.dsl.HoistSession;
import dev.hoist.dsl.ScriptException;
import dev.hoist.source.Spool;
import groovy.lang.Closure;
import groovy.lang.MissingPropertyException;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.Reference;
import org.jline.keymap.KeyMap;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * One interactive session on one terminal: reads lines, runs hoist's commands through the same
 * picocli classes as the command line (with this session's streams), evaluates everything else as
 * Groovy in one binding. Several shells in one JVM (SSH sessions) share nothing mutable: no
 * {@code System.setOut}, no static state.
 */
public final class Shell {

    static final String PROMPT = "hoist> ";
    static final String CONTINUATION = "...> ";

    private final Terminal terminal;
    private final Main.Io io;
    private final Jobs jobs;
    private final String owner;
    private final Path history;
    private final Object groovyLock = new Object();
    private GroovySession groovy;
    /** Set when the shell ends: no Groovy session is made after its last one was closed. */
    private boolean ended;
    /** A command tree that lives as long as the shell, for completion and command names; lines execute on fresh ones. */
    private final CommandLine completionTree;
    private final Set<String> commands;
    private final Set<String> groovyWords;
    /** The jobs this session started: {@code exit} asks about these, not about other sessions' jobs. */
    private final Set<Integer> mine = ConcurrentHashMap.newKeySet();
    /** What Ctrl-C stops now: the thread evaluating Groovy, or the foreground push. */
    private volatile Runnable interrupt = () -> { };
    private volatile LineReader reader;
    private int status;
    private boolean leave;
    private boolean exitAsked;
    private volatile boolean hungUp;
    private java.util.function.Consumer<String> lines = line -> { };

    /**
     * @param terminal the session's terminal: line editing, Ctrl-C, completion
     * @param io       where commands and results print (write through the terminal's output
     *                 stream so its output processing applies)
     * @param jobs     where pushes run; the shell lists and controls the jobs in it
     * @param history  the history file (made 0600 if missing), or null for none
     * @param env      the session's environment ($HOME, credentials variables)
     */
    public Shell(Terminal terminal, Main.Io io, Jobs jobs, Path history, Map<String, String> env) {
        this(terminal, io, jobs, null, history, env);
    }

    /** @param owner the user this session acts for (SSH): its jobs carry the name, {@code jobs} lists only theirs */
    public Shell(Terminal terminal, Main.Io io, Jobs jobs, String owner, Path history, Map<String, String> env) {
        this.terminal = terminal;
        // login asks on this session's terminal, never on the process's console (the server's, or another user's tty).
        // At the prompt, a background job's output goes above the line being typed, not into it.
        this.io = new Main.Io(terminal != null ? abovePrompt(io.out()) : io.out(), terminal != null ? abovePrompt(io.err()) : io.err(),
                InputStream.nullInputStream(), Map.copyOf(env), io.terminal(), null,
                terminal != null ? new TerminalPrompt(terminal) : null);
        this.jobs = jobs;
        this.owner = owner;
        this.history = history;
        this.completionTree = tree(null);
        this.commands = new TreeSet<>(completionTree.getSubcommands().keySet());
        // The DSL's words: push, images and build are commands too, told apart by what follows (isCommand).
        this.groovyWords = new TreeSet<>(List.of("load", "push", "images", "build", "dryRun", "registry", "filter", "plan", "include"));
    }

    private java.io.PrintStream abovePrompt(java.io.PrintStream stream) {
        return new java.io.PrintStream(new AboveThePrompt(stream, () -> reader), true, StandardCharsets.UTF_8);
    }

    /**
     * The Groovy session, made on first use: Groovy's runtime is a few hundred classes, so the
     * prompt does not wait for it (a thread warms it up once the prompt is there).
     */
    GroovySession groovy() {
        synchronized (groovyLock) {
            if (ended) {
                throw new IllegalStateException("this shell has ended");
            }
            if (groovy == null) {
                var dsl = new HoistSession(io.env(), Map.of(), io.out(), null);
                var session = new GroovySession(dsl, Path.of("").toAbsolutePath());
                session.define("load", new Closure<Object>(this) {
                    @SuppressWarnings("unused")
                    public Object doCall(Object file) {
                        return session.load(Path.of(String.valueOf(file)));
                    }
                });
                groovy = session;
            }
            return groovy;
        }
    }

    private void warmUp() {
        var t = new Thread(() -> {
            try {
                groovy().compile("null");
            } catch (RuntimeException | LinkageError e) {
                // Only a head start: the first Groovy line reports whatever this met.
            }
        }, "hoist-shell-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Runs lines read from {@code io.in()} without prompts or line editing ({@code hoist shell < session.txt}).
     * At the end of the input, jobs still running are waited for: nobody is there to ask.
     *
     * @return the exit code of the last line that failed, 0 if none did
     */
    public static int script(Main.Io io, Jobs jobs) {
        var shell = new Shell(null, io, jobs, null, io.env());
        var parser = shell.parser();
        var reader = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
        var pending = new StringBuilder();
        try {
            for (String line; !shell.leave && (line = reader.readLine()) != null; ) {
                pending.append(pending.isEmpty() ? "" : "\n").append(line);
                try {
                    parser.parse(pending.toString(), pending.length(), Parser.ParseContext.ACCEPT_LINE);
                } catch (EOFError more) {
                    continue;
                }
                var text = pending.toString();
                pending.setLength(0);
                shell.execute(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!pending.isEmpty()) {
            io.err().println("hoist: unfinished input at the end: " + firstLine(pending.toString()));
            shell.status = 2;
        }
        if (!shell.leave) {
            for (var job : shell.running()) {
                shell.await(job);
            }
        }
        shell.end();
        return shell.status;
    }

    /**
     * Reads and runs lines until the user leaves ({@code exit}, Ctrl-D) or the terminal closes.
     *
     * @return the exit code of the last command that failed, 0 if none did
     */
    public int run() {
        var completer = new ShellCompleter(this, completionTree);
        var builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("hoist")
                .parser(parser())
                .completer(completer)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .history(new MaskedHistory());
        if (history != null) {
            try {
                MaskedHistory.prepare(history);
                builder.variable(LineReader.HISTORY_FILE, history);
            } catch (UncheckedIOException e) {
                io.err().println("hoist: warning: " + e.getMessage() + "; history is not kept");
            }
        }
        var reader = builder.build();
        this.reader = reader;
        // Alt-H: help for the word under the cursor, above the line being typed.
        reader.getWidgets().put("hoist-help", () -> {
            var help = help(reader.getBuffer().toString(), reader.getBuffer().cursor());
            if (help != null) {
                reader.printAbove(help);
            }
            return true;
        });
        reader.getKeyMaps().get(LineReader.EMACS).bind(new Reference("hoist-help"), KeyMap.alt('h'));
        // At the prompt Ctrl-C is a key (InterruptKey): it clears the line. Once, outside readLine,
        // the signal's handler: Ctrl-C during a command stops that command.
        InterruptKey.bind(reader, terminal);
        terminal.handle(Terminal.Signal.INT, signal -> interrupt.run());
        warmUp();
        // A terminal that went away can make every read an interrupt (its reader closed under it): hung up, stop reading.
        while (!leave && !hungUp) {
            String line;
            try {
                line = InterruptKey.readLine(terminal, () -> reader.readLine(PROMPT));
            } catch (UserInterruptException e) {
                exitAsked = false;
                continue;
            } catch (EndOfFileException e) {
                // Ctrl-D, or the terminal closed: a closed one ends the next read at once, which
                // then leaves as a second Ctrl-D does.
                exit(false);
                continue;
            }
            execute(line);
        }
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            io.err().println("hoist: warning: history not saved: " + e.getMessage());
        }
        completer.close();
        end();
        return status;
    }

    /**
     * The shell has ended (exit, Ctrl-D, a dropped connection): its DSL session is closed (the
     * archives its build(...) sources made, the classes of its lines), but only once the jobs it
     * started have ended too, since a background push that outlives the session still reads them.
     * Jobs are left alone: they belong to the server (or to the local shell's Jobs, which cancels
     * what still runs when it leaves).
     */
    void end() {
        GroovySession session;
        synchronized (groovyLock) {
            ended = true;
            session = groovy;
            groovy = null;
        }
        if (session == null) {
            return;
        }
        var left = ConcurrentHashMap.<Integer>newKeySet();
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable close = () -> {
            if (left.isEmpty() && closed.compareAndSet(false, true)) {
                session.session().close();
            }
        };
        var running = running();
        running.forEach(j -> left.add(j.id()));
        for (var job : running) {
            job.onEnd(j -> {
                left.remove(j.id());
                close.run();
            });
            if (job.state().finished()) {
                // Ended before the listener was added: it will not be told.
                left.remove(job.id());
            }
        }
        close.run();
    }

    /** Runs one (possibly multi-line) input; its failure becomes the shell's exit code. */
    int execute(String line) {
        var text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return 0;
        }
        lines.accept(Secrets.mask(text));
        if (!text.startsWith("exit")) {
            exitAsked = false;
        }
        boolean background = text.endsWith("&") && !text.endsWith("&&");
        if (background) {
            text = text.substring(0, text.length() - 1).strip();
        }
        int code;
        // Each line is a command of its own for the spool: an export a Groovy line's push made goes
        // when the line ends (or with the background job it was handed to), not at the process's exit.
        try (var spool = Spool.open()) {
            code = isCommand(text) ? command(text, background) : groovy(text, background);
        } finally {
            interrupt = () -> { };
            submittedAny = false;
            Thread.interrupted();
        }
        if (code != 0) {
            status = code;
        }
        return code;
    }

    private int command(String text, boolean background) {
        String[] words;
        try {
            words = Words.split(text, Dirs.home(io.env())).toArray(String[]::new);
        } catch (HoistException e) {
            io.err().println("hoist: " + e.getMessage());
            return e.kind().exitCode;
        }
        var host = new Main.Host(jobs, owner, Secrets.mask(text), background, job -> submitted(job, background));
        // Ctrl-C before the push is submitted (while sources are read) cancels it as soon as it is.
        cancelAsked = false;
        interrupt = () -> cancelAsked = true;
        int code = tree(host).execute(words);
        if (background && !submittedAny && !words[0].equals("push") && !words[0].equals("build")) {
            io.err().println("hoist: only a push runs in the background; '" + words[0] + "' ran in the foreground");
        }
        submittedAny = false;
        return code;
    }

    private boolean submittedAny;
    private volatile boolean cancelAsked;

    /** A push of this session was submitted: Ctrl-C now cancels it, or it runs on in the background. */
    private void submitted(Job job, boolean background) {
        submittedAny = true;
        mine.add(job.id());
        if (background) {
            // A foreground push prints its own summary; a background one is announced when it ends.
            job.onEnd(j -> notice(ended(j)));
            notice("[" + job.id() + "] started");
        } else {
            interrupt = job::cancel;
            if (cancelAsked) {
                job.cancel();
            }
        }
    }

    /** {@code [1] done: 12 pushed, 0 failed}: the contract's line for a job's end. */
    static String ended(Job job) {
        var r = job.result().orElse(null);
        var state = job.state().name().toLowerCase(Locale.ROOT);
        if (r == null) {
            return "[" + job.id() + "] " + state;
        }
        return "[" + job.id() + "] " + state + ": " + r.pushed() + " pushed, " + r.failed() + " failed"
                + (r.upToDate() > 0 ? ", " + r.upToDate() + " up to date" : "");
    }

    /** A line about jobs: above the line being typed when there is a prompt, on stderr otherwise. */
    void notice(String line) {
        // The session's err stream puts it above the line being typed while one is read.
        io.err().println(line);
    }

    private int groovy(String text, boolean background) {
        var thread = Thread.currentThread();
        cancelAsked = false;
        interrupt = () -> {
            cancelAsked = true;
            thread.interrupt();
        };
        // A Groovy line is a command of its own: a -v of an earlier line does not make its pushes verbose.
        Verbosity.attach(io.err());
        var session = groovy();
        // The DSL's push runs as the push command does here: a job of this shell, in the background after '&'.
        var host = new Main.Host(jobs, owner, Secrets.mask(text), background, job -> submitted(job, background));
        session.session().runner(ScriptRunner.forSession(io.with(host), session.session().registryDefaults()));
        try {
            var result = session.evaluate(text);
            if (background && !submittedAny) {
                io.err().println("hoist: only a push runs in the background (push ... &)");
            }
            if (!result.assignment() && result.value() != null) {
                io.out().println(InvokerHelper.toString(result.value()));
            }
            return 0;
        } catch (ScriptException e) {
            // A word the session does not know (`clear`, a typo of a command): say so in the shell's terms,
            // not as a property of the class Groovy generated for the line.
            if (e.getCause() instanceof MissingPropertyException m && m.getType() != null
                    && m.getType().getName().startsWith(GroovySession.LINE_CLASS)) {
                io.err().println("hoist: unknown command or variable '" + m.getProperty() + "' (help lists the commands)");
                return HoistException.Kind.USAGE.exitCode;
            }
            if (interrupted(e)) {
                io.err().println("hoist: interrupted");
                return HoistException.Kind.CANCELLED.exitCode;
            }
            e.problems().forEach(p -> io.err().println("hoist: " + p));
            return e.kind().exitCode;
        } catch (MultipleCompilationErrorsException e) {
            var errors = e.getErrorCollector().getErrors();
            var first = errors.isEmpty() ? e.getMessage() : String.valueOf(errors.get(0).toString());
            io.err().println("hoist: " + firstLine(first.replaceFirst("^.*?\\.groovy: ", "")));
            return HoistException.Kind.USAGE.exitCode;
        } catch (MissingPropertyException e) {
            // A word the session does not know (`clear`, a typo of a command): say so in the shell's terms,
            // not as a property of the class Groovy generated for the line (hoist_line3).
            if (e.getType() != null && e.getType().getName().startsWith(GroovySession.LINE_CLASS)) {
                io.err().println("hoist: unknown command or variable '" + e.getProperty() + "' (help lists the commands)");
                return HoistException.Kind.USAGE.exitCode;
            }
            io.err().println("hoist: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            // Groovy throws checked exceptions without declaring them: ThreadInterrupt's InterruptedException among them.
            var hoist = HoistException.find(e);
            if (hoist != null) {
                io.err().println("hoist: " + hoist.getMessage());
                return hoist.kind().exitCode;
            }
            if (interrupted(e)) {
                io.err().println("hoist: interrupted");
                return HoistException.Kind.CANCELLED.exitCode;
            }
            io.err().println("hoist: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }

    private static boolean interrupted(Throwable e) {
        for (var c = e; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A command line starts with a command's name, unless that name is also a Groovy word and
     * what follows reads as a Groovy call: {@code push 'p'} (one string literal), {@code push('p')},
     * {@code push = 1}. {@code push app.tar host/app} and {@code push 'my app.tar' host/app} are commands.
     */
    boolean isCommand(String line) {
        var text = line.stripLeading();
        int end = 0;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '-')) {
            end++;
        }
        var word = text.substring(0, end);
        if (!commands.contains(word)) {
            return false;
        }
        if (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            // push('p'), push.x, push=1: Groovy; a command name stands alone.
            return false;
        }
        return !groovyWords.contains(word) || !groovyCall(text.substring(end).strip());
    }

    private static boolean groovyCall(String rest) {
        if (rest.isEmpty()) {
            return false;
        }
        char c = rest.charAt(0);
        if ("(=.{[,".indexOf(c) >= 0) {
            return true;
        }
        if (c != '\'' && c != '"') {
            return false;
        }
        int close = rest.indexOf(c, 1);
        while (close > 0 && rest.charAt(close - 1) == '\\') {
            close = rest.indexOf(c, close + 1);
        }
        if (close < 0) {
            return true;
        }
        var after = rest.substring(close + 1).strip();
        return after.isEmpty() || after.startsWith(",") || after.equals("&");
    }

    Parser parser() {
        return new ShellParser(this::isCommand);
    }

    /** The command tree for one line: hoist's commands with this session's streams, and the shell's own. */
    CommandLine tree(Main.Host host) {
        var cli = Main.commandLine(io.with(host));
        cli.getCommandSpec().removeSubcommand("shell");
        cli.addSubcommand(new ShellCommands.Exit(this));
        cli.addSubcommand(new ShellCommands.Load(this));
        cli.addSubcommand(new ShellCommands.JobList(this));
        cli.addSubcommand(new ShellCommands.Wait(this));
        cli.addSubcommand(new ShellCommands.Limit(this));
        cli.addSubcommand(new ShellCommands.DashboardCommand(this));
        control(cli, "cancel", "Cancels jobs: transfers stop, no tag is written for an unfinished image.", Job::cancel);
        control(cli, "pause", "Pauses jobs: no new transfer or request starts; those in flight finish their chunk, then hold.", Job::pause);
        control(cli, "resume", "Resumes paused jobs.", Job::resume);
        control(cli, "retry", "Pushes the failed images of jobs again, as a new attempt of the same job.", Job::retryFailed);
        return cli;
    }

    private void control(CommandLine cli, String name, String description, java.util.function.Consumer<Job> action) {
        var command = new CommandLine(new ShellCommands.Control(action, this));
        command.getCommandSpec().name(name).usageMessage().description(description);
        cli.addSubcommand(name, command);
    }

    /**
     * The help Alt-H shows: an option's description when the cursor is on an option, else the
     * command's usage; null on a Groovy line or an unknown word.
     */
    String help(String line, int cursor) {
        if (!isCommand(line)) {
            return null;
        }
        var parsed = parser().parse(line, Math.min(cursor, line.length()), Parser.ParseContext.COMPLETE);
        var words = parsed.words();
        var command = words.isEmpty() ? null : completionTree.getSubcommands().get(words.get(0));
        if (command == null) {
            return null;
        }
        var word = parsed.word();
        if (word.startsWith("-")) {
            var option = command.getCommandSpec().findOption(word.replaceFirst("=.*", ""));
            if (option != null) {
                return String.join(", ", option.names()) + (option.paramLabel().isEmpty() || option.arity().max() == 0 ? "" : " " + option.paramLabel())
                        + ": " + String.join(" ", option.description());
            }
        }
        var usage = new java.io.StringWriter();
        command.usage(new java.io.PrintWriter(usage), CommandLine.Help.Ansi.OFF);
        return usage.toString().stripTrailing();
    }

    /** Names a Groovy line may use: the session's variables and the DSL's words. */
    Set<String> groovyNames() {
        var names = new TreeSet<>(groovyWords);
        names.addAll(groovy().variables());
        names.remove(HoistSession.BINDING);
        names.addAll(groovy().definitions());
        return names;
    }

    GroovySession groovySession() {
        return groovy();
    }

    /** The jobs this session may see: all of them, or the owner's. */
    List<Job> jobs() {
        return jobs.list().stream().filter(j -> owner == null || owner.equals(j.owner())).toList();
    }

    Job job(int id) {
        return jobs.get(id).filter(j -> owner == null || owner.equals(j.owner()))
                .orElseThrow(() -> new HoistException("no job " + id + " (jobs lists them)", HoistException.Kind.USAGE));
    }

    private List<Job> running() {
        return jobs.list().stream().filter(j -> mine.contains(j.id()) && !j.state().finished()).toList();
    }

    /** Waits for a job (Ctrl-C stops waiting, not the job) and gives the exit code its result means. */
    int await(Job job) {
        interrupt = Thread.currentThread()::interrupt;
        try {
            var result = job.await();
            if (result.cancelled()) {
                return HoistException.Kind.CANCELLED.exitCode;
            }
            return result.ok() ? 0 : result.images().stream().anyMatch(i -> i.errorKind() == HoistException.Kind.INPUT
                    || i.errorKind() == HoistException.Kind.USAGE) ? 2 : 1;
        } catch (InterruptedException e) {
            io.err().println("hoist: stopped waiting; job " + job.id() + " runs on");
            return HoistException.Kind.CANCELLED.exitCode;
        } finally {
            interrupt = () -> { };
        }
    }

    /**
     * The Lanterna dashboard of a job on this shell's terminal, in raw mode, resized with it; back
     * to the prompt on {@code q}, the job untouched.
     */
    void dashboard(Job job) throws IOException {
        if (terminal == null) {
            throw new HoistException("the dashboard needs a terminal (this session reads a script)", HoistException.Kind.USAGE);
        }
        var env = new java.util.HashMap<>(io.env());
        env.put("TERM", terminal.getType());
        var unusable = Dashboard.unusable(env);
        if (unusable != null) {
            throw new HoistException(unusable, HoistException.Kind.USAGE);
        }
        var saved = terminal.enterRawMode();
        var screen = new StreamTerminal(terminal.input(), terminal.output(), terminal.encoding(),
                terminal.getWidth(), terminal.getHeight());
        var previous = terminal.handle(Terminal.Signal.WINCH, s -> screen.resize(terminal.getWidth(), terminal.getHeight()));
        try {
            Dashboard.show(job, screen, Dashboard.monochrome(env));
        } finally {
            terminal.handle(Terminal.Signal.WINCH, previous);
            terminal.setAttributes(saved);
            terminal.flush();
        }
    }

    /**
     * {@code exit} and Ctrl-D: leave, unless this session's jobs are running and this is the first
     * time of asking; {@code exit} again (or {@code --force}) cancels them and leaves.
     */
    /**
     * The terminal went away (an SSH connection dropped), not the user: the session leaves at its
     * next read and its jobs keep running, for the same user to find in a new session.
     */
    public void hangUp() {
        hungUp = true;
    }

    /** Told every line run, its secrets masked as in the history: the SSH server's audit log. */
    public void onLine(java.util.function.Consumer<String> listener) {
        lines = listener;
    }

    void exit(boolean force) {
        if (hungUp) {
            leave = true;
            return;
        }
        var running = running();
        if (running.isEmpty() || force || exitAsked) {
            cancelMine();
            leave = true;
            return;
        }
        exitAsked = true;
        io.err().println(running.size() == 1 ? "job [" + running.get(0).id() + "] is running: exit again (or exit --force) cancels it"
                : running.size() + " jobs are running: exit again (or exit --force) cancels them");
    }

    private void cancelMine() {
        Jobs.cancel(running());
    }

    Main.Io io() {
        return io;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
