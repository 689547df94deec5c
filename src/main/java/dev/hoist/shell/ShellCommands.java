package dev.hoist.shell;

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
            description = {"Evaluates a Groovy script into the session: its registries, filters, plans and",
                    "top-level variables stay defined. Also callable from Groovy: load 'file.groovy'."})
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
            for (var job : shell.jobs()) {
                shell.io().out().println(line(job.snapshot()));
            }
            return 0;
        }

        /** {@code [1] push a.tar r/a  running  3/12 images  45.2 MB/120.0 MB  12.3 MB/s  ETA 0:06}. */
        static String line(JobSnapshot s) {
            var t = s.totals();
            var state = s.state().name().toLowerCase(Locale.ROOT);
            var parts = new ArrayList<>(List.of("[" + s.id() + "] " + s.name(), state,
                    t.done() + "/" + t.images() + " images", human(t.bytesSent()) + "/" + human(t.bytesToSend())));
            if (!s.state().finished()) {
                parts.add(human((long) t.rateNow()) + "/s");
                parts.add("ETA " + (t.eta() == null ? "-" : clock(t.eta())));
            } else {
                parts.add(t.pushed() + " pushed, " + t.failed() + " failed" + (t.upToDate() > 0 ? ", " + t.upToDate() + " up to date" : ""));
            }
            if (s.rateLimit() > 0) {
                parts.add("limit " + human(s.rateLimit()) + "/s");
            }
            return String.join("  ", parts);
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true,
            description = {"Waits for jobs to end (all this session's running jobs without N) and prints how each ended;",
                    "exits as the job would have on the command line. Ctrl-C stops waiting, not the job."})
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
                if (c == dev.hoist.HoistException.Kind.CANCELLED.exitCode && !job.state().finished()) {
                    break;
                }
            }
            return code;
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

    static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
