package dev.hoist.shell;

import dev.hoist.Bytes;
import dev.hoist.HoistException;
import dev.hoist.cli.Table;
import dev.hoist.engine.Job;
import dev.hoist.engine.JobSnapshot;
import org.codehaus.groovy.runtime.InvokerHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** The shell's own commands, beside hoist's: they act on the session (leave, load) and its jobs. */
final class ShellCommands {

    private ShellCommands() {
    }

    @Command(name = "exit", mixinStandardHelpOptions = true,
            description = "Leaves the shell; while jobs it started are running, asks first (exit again cancels them).")
    static final class Exit implements Callable<Integer> {
        private final Shell shell;

        @Option(names = "--force", description = "Leave at once: running jobs are cancelled.")
        boolean force;

        Exit(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            shell.exit(force);
            return 0;
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Evaluates a Groovy script into the session: its registries, filters, plans and top-level variables stay defined. Also callable from Groovy: load 'file.groovy'.")
    static final class Load implements Callable<Integer> {
        private final Shell shell;

        @Parameters(paramLabel = "FILE", description = "The script.")
        Path file;

        Load(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            var value = shell.groovySession().load(file);
            if (value != null) {
                shell.io().out().println(InvokerHelper.toString(value));
            }
            return 0;
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true,
            description = "Lists the jobs: [N] name, state, images done/total, bytes sent/to send, rate, ETA.")
    static final class JobList implements Callable<Integer> {
        private final Shell shell;

        JobList(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            int width = Table.width(shell.io());
            for (var job : shell.jobs()) {
                shell.io().out().println(line(job.snapshot(), width));
            }
            return 0;
        }

        /** A job's name, long with the paths and hosts of its command line, is cut to this before any figure gives way. */
        private static final int NAME_FIRST_CUT = 32;

        /**
         * {@code [1] push a.tar r/a  running  3/12 images  45.2 MB/120.0 MB  12.3 MB/s  ETA 6s}, fit to
         * {@code width} (0: whole): the name is cut in the middle to 32 columns, then the limit, ETA,
         * rate and bytes give way in that order, then the name is cut further.
         */
        static String line(JobSnapshot s, int width) {
            var t = s.totals();
            var state = s.state().name().toLowerCase(Locale.ROOT);
            var parts = new ArrayList<>(List.of("[" + s.id() + "] " + s.name(), state,
                    t.done() + "/" + t.images() + " images", Bytes.human(t.bytesSent()) + "/" + Bytes.human(t.bytesToSend())));
            if (!s.state().finished()) {
                parts.add(Bytes.human((long) t.rateNow()) + "/s");
                parts.add("ETA " + dev.hoist.Durations.brief(t.eta()));
            } else {
                parts.add(t.pushed() + " pushed, " + t.failed() + " failed" + (t.upToDate() > 0 ? ", " + t.upToDate() + " up to date" : ""));
            }
            var giveWay = new ArrayList<Integer>();
            if (s.rateLimit() > 0) {
                giveWay.add(parts.size());
                parts.add("limit " + Bytes.human(s.rateLimit()) + "/s");
            }
            giveWay.addAll(s.state().finished() ? List.of(3) : List.of(5, 4, 3));
            return Table.lines(List.<String[]>of(parts.toArray(String[]::new)), width,
                    giveWay.stream().mapToInt(Integer::intValue).toArray(), 0, NAME_FIRST_CUT).get(0);
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true,
            description = "Waits for jobs to end (all this session's running jobs without N) and prints how each ended; exits as the job would have on the command line. Ctrl-C stops waiting, not the job.")
    static final class Wait implements Callable<Integer> {
        private final Shell shell;

        @Parameters(paramLabel = "N", arity = "0..*", description = "Job numbers.")
        List<Integer> ids = new ArrayList<>();

        Wait(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            var jobs = ids.isEmpty() ? shell.jobs().stream().filter(j -> !j.state().finished()).toList()
                    : ids.stream().map(shell::job).toList();
            int code = 0;
            for (var job : jobs) {
                int c = shell.await(job);
                shell.io().out().println(Shell.ended(job));
                if (c != 0) {
                    code = c;
                }
                if (c == HoistException.Kind.CANCELLED.exitCode && !job.state().finished()) {
                    break;
                }
            }
            return code;
        }
    }

    @Command(name = "limit", mixinStandardHelpOptions = true,
            description = "Sets a job's bandwidth limit over all its transfers, at once: limit 1 20MB/s; limit 1 0 lifts it.")
    static final class Limit implements Callable<Integer> {
        private final Shell shell;

        @Parameters(index = "0", paramLabel = "N", description = "The job.")
        int id;

        @Parameters(index = "1", paramLabel = "RATE", description = "Bytes per second: 20MB/s, 512k, 1MiB/s; 0 or none for no limit.")
        String rate;

        Limit(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            var job = shell.job(id);
            var value = rate.strip().toLowerCase(java.util.Locale.ROOT).replaceFirst("(/s|ps)$", "");
            long bytes;
            try {
                bytes = value.equals("none") ? 0 : Bytes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new HoistException("limit: " + e.getMessage(), HoistException.Kind.USAGE);
            }
            job.rateLimit(bytes);
            return 0;
        }
    }

    @Command(name = "dashboard", mixinStandardHelpOptions = true,
            description = "Shows a job's dashboard full-screen (running or finished); q returns to the prompt and the job runs on. Its keys: p pause, + - workers, b limit, r retry, c cancel, ? help.")
    static final class DashboardCommand implements Callable<Integer> {
        private final Shell shell;

        @Parameters(paramLabel = "N", arity = "0..1", description = "The job (default: the last one).")
        Integer id;

        DashboardCommand(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() throws java.io.IOException {
            Job job;
            if (id != null) {
                job = shell.job(id);
            } else {
                var all = shell.jobs();
                if (all.isEmpty()) {
                    throw new HoistException("no job yet: push ... & starts one", HoistException.Kind.USAGE);
                }
                job = all.get(all.size() - 1);
            }
            shell.dashboard(job);
            return 0;
        }
    }

    /** cancel N, pause N, resume N, retry N: one control of a job's {@link dev.hoist.engine.JobView}. */
    @Command(name = "control", mixinStandardHelpOptions = true)
    static final class Control implements Callable<Integer> {
        private final Consumer<Job> action;
        private final Shell shell;

        @Parameters(paramLabel = "N", arity = "1..*", description = "Job numbers.")
        List<Integer> ids = new ArrayList<>();

        Control(Consumer<Job> action, Shell shell) {
            this.action = action;
            this.shell = shell;
        }

        @Override
        public Integer call() {
            for (int id : ids) {
                action.accept(shell.job(id));
            }
            return 0;
        }
    }
}
