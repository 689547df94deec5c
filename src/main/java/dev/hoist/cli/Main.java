package dev.hoist.cli;

import dev.hoist.HoistException;
import dev.hoist.engine.Job;
import dev.hoist.engine.Jobs;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code hoist}: the entry point. */
@Command(name = "hoist", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "Puts container images into OCI registries.",
        subcommands = {PushCommand.class, BuildCommand.class, ImagesCommand.class, LoginCommand.class, LogoutCommand.class,
                ServeCommand.class, PsCommand.class, AttachCommand.class, ShellCommand.class, RunCommand.class,
                CheckCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a push failed (registry error, network)", "2:bad usage or unreadable input",
                "130:cancelled (Ctrl-C)"})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Io io;

    private Main(Io io) {
        this.io = io;
    }

    /**
     * What a command needs from the process: streams and environment, so tests can run it in-process;
     * and, in a longer-lived session (the shell, an SSH session), the {@link Host} its pushes run on.
     *
     * @param host null for the one-shot command line: a push runs in the foreground on its own
     *             engine, and Ctrl-C (the JVM's shutdown) cancels it
     * @param prompt how to ask the user of this command's terminal (login's password), or null when
     *               nobody can be asked
     */
    public record Io(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, boolean terminal, Host host,
                     Prompt prompt) {
        public Io(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, boolean terminal) {
            this(out, err, in, env, terminal, null, null);
        }

        public Io(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, boolean terminal, Host host) {
            this(out, err, in, env, terminal, host, null);
        }

        public Io with(Host host) {
            return new Io(out, err, in, env, terminal, host, prompt);
        }

        public Io with(Prompt prompt) {
            return new Io(out, err, in, env, terminal, host, prompt);
        }
    }

    /**
     * Asks the user at a command's own terminal: the process's console on the command line, the
     * session's terminal in a shell (local or over SSH), the channel's input for an SSH exec without
     * a pty. Never {@code System.console()} in a session: that is the server's tty, or another user's.
     */
    @FunctionalInterface
    public interface Prompt {

        /**
         * @param secret read without echo, and kept out of history
         * @return the line typed, or null at the end of input
         */
        String ask(String question, boolean secret);

        /** The width of this user's terminal now (it follows resizes), 0 when not known: tables fit it. */
        default int columns() {
            return 0;
        }

        /** The height of this user's terminal now, 0 when not known: live progress fits it. */
        default int rows() {
            return 0;
        }

        /** Lines read from {@code in}, one per question and without showing it, as {@code --password-stdin} reads. */
        static Prompt lines(InputStream in) {
            return (question, secret) -> {
                try {
                    var line = new java.io.ByteArrayOutputStream();
                    // Byte by byte: whatever follows the answer stays in the stream for the command.
                    for (int b; (b = in.read()) != '\n'; ) {
                        if (b < 0) {
                            return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                        }
                        line.write(b);
                    }
                    var text = line.toString(StandardCharsets.UTF_8);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
        }

        /** The process's console, the password without echo; null when there is none. */
        static Prompt console() {
            var console = System.console();
            if (console == null) {
                return null;
            }
            return (question, secret) -> {
                if (!secret) {
                    return console.readLine("%s", question);
                }
                var password = console.readPassword("%s", question);
                return password == null ? null : new String(password);
            };
        }
    }

    /**
     * Where a session's pushes run: {@code push} and {@code build} submit their plan to {@code jobs}
     * as a job named {@code name}, tell {@code onSubmit} (the shell learns its foreground job, for
     * Ctrl-C, or prints {@code [N] started}), then wait for it and report as on the command line,
     * or, with {@code background}, return 0 at once. No JVM shutdown hook is involved.
     *
     * @param owner who submits (an SSH user), or null
     */
    public record Host(Jobs jobs, String owner, String name, boolean background, Consumer<Job> onSubmit) {
    }

    /** One command line in a session: {@code execute(io, host, "push", ...)}. */
    public static int execute(Io io, Host host, String... args) {
        return commandLine(io.with(host)).execute(args);
    }

    public static void main(String[] args) {
        // picocli looks for Groovy closures in annotations when Groovy is on the class path (it is, for
        // scripts): 300 classes loaded on every start. hoist's annotations hold none.
        System.setProperty("picocli.disable.closures", "true");
        var io = new Io(System.out, System.err, System.in, System.getenv(), System.console() != null, null, Prompt.console());
        int code = execute(io, args);
        stopHttpSelectors();
        System.exit(code);
    }

    /**
     * Java 17's HTTP client has no close(): its selector thread sits in a native epoll wait, and at
     * exit the JVM waits up to 300 ms for threads in native code. Interrupting the thread ends its
     * loop at once. Only at the very end of a command-line run, when no request is left.
     */
    private static void stopHttpSelectors() {
        for (var t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
                t.interrupt();
                try {
                    t.join(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public static int execute(Io io, String... args) {
        return commandLine(io).execute(args);
    }

    /**
     * The command tree with its streams and error handling, ready to execute one command line.
     * The shell runs every command line of a session through a fresh one, with the session's
     * streams: the same classes, options, help and exit codes as the one-shot command line.
     */
    public static CommandLine commandLine(Io io) {
        Verbosity.attach(io.err());
        var cli = new CommandLine(new Main(io), new Factory(io));
        cli.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
        // Help fits the terminal it is read on; elsewhere (pipes, tests) picocli's 80 columns.
        cli.setUsageHelpAutoWidth(io.terminal());
        HelpLayout.install(cli);
        cli.setParameterExceptionHandler((e, a) -> {
            var unknown = unknownCommand(e);
            if (unknown != null) {
                io.err().println("hoist: " + unknown);
                io.err().println("Try 'hoist --help' for the commands.");
                return 2;
            }
            var option = unknownOption(e);
            io.err().println("hoist: " + (option != null ? option : e.getMessage()));
            io.err().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more.");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            var hoist = HoistException.find(e);
            io.err().println("hoist: " + (hoist != null ? hoist.getMessage() : e.toString()));
            if (Verbosity.verbose() || hoist == null) {
                e.printStackTrace(io.err());
            }
            return hoist != null ? hoist.kind().exitCode : 1;
        });
        return cli;
    }

    /**
     * The line for a first word that is no command ({@code hoist frob}), with picocli's nearest
     * commands when there are any; null for every other mistake.
     */
    /**
     * The line for an option the command does not have ({@code push --limit 20MB/s}), with the
     * command's options picocli finds nearest, as git and kubectl suggest them; null for other errors.
     */
    static String unknownOption(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)) {
            return null;
        }
        var args = unmatched.getUnmatched();
        if (args.isEmpty() || !args.get(0).startsWith("-") || args.get(0).equals("-")) {
            return null;
        }
        var typed = args.get(0).contains("=") ? args.get(0).substring(0, args.get(0).indexOf('=')) : args.get(0);
        var options = e.getCommandLine().getCommandSpec().optionsMap().keySet();
        // picocli lists the most similar first; past the first they are rarely what was meant.
        var near = unmatched.getSuggestions().stream().filter(options::contains).findFirst();
        return "unknown option '" + typed + "'" + near.map(n -> " (did you mean " + n + "?)").orElse("");
    }

    static String unknownCommand(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched) || e.getCommandLine().getParent() != null) {
            return null;
        }
        var args = unmatched.getUnmatched();
        if (args.isEmpty() || args.get(0).startsWith("-")) {
            return null;
        }
        var commands = e.getCommandLine().getSubcommands().keySet();
        var near = unmatched.getSuggestions().stream().filter(commands::contains).toList();
        return "unknown command '" + args.get(0) + "'"
                + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)");
    }

    /** {@code hoist} alone: the shell on a terminal, the usage elsewhere. */
    @Override
    public Integer call() {
        if (io.terminal()) {
            return new ShellCommand(io).call();
        }
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Hands {@link Io} to commands that take it. */
    private record Factory(Io io) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == PushCommand.class) {
                return cls.cast(new PushCommand(io));
            }
            if (cls == ImagesCommand.class) {
                return cls.cast(new ImagesCommand(io));
            }
            if (cls == BuildCommand.class) {
                return cls.cast(new BuildCommand(io));
            }
            if (cls == LoginCommand.class) {
                return cls.cast(new LoginCommand(io));
            }
            if (cls == LogoutCommand.class) {
                return cls.cast(new LogoutCommand(io));
            }
            if (cls == PsCommand.class) {
                return cls.cast(new PsCommand(io));
            }
            if (cls == ServeCommand.class) {
                return cls.cast(new ServeCommand(io));
            }
            if (cls == ShellCommand.class) {
                return cls.cast(new ShellCommand(io));
            }
            if (cls == AttachCommand.class) {
                return cls.cast(new AttachCommand(io));
            }
            if (cls == RunCommand.class) {
                return cls.cast(new RunCommand(io));
            }
            if (cls == CheckCommand.class) {
                return cls.cast(new CheckCommand(io));
            }
            if (cls == CompletionCommand.class) {
                return cls.cast(new CompletionCommand(io));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"hoist " + (v != null ? v : "dev")};
        }
    }
}
