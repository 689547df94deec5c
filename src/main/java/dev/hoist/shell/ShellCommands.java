package dev.hoist.shell;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The shell's own commands, beside hoist's: they act on the session (leave, load, jobs). */
final class ShellCommands {

    private ShellCommands() {
    }

    @Command(name = "exit", mixinStandardHelpOptions = true, description = "Leaves the shell.")
    static final class Exit implements Callable<Integer> {
        private final Shell shell;

        @Option(names = "--force", description = "Leave even when jobs are running: they are cancelled.")
        boolean force;

        Exit(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            shell.leave();
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
                shell.io().out().println(org.codehaus.groovy.runtime.InvokerHelper.toString(value));
            }
            return 0;
        }
    }
}
