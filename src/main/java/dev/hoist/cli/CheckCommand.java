package dev.hoist.cli;

import dev.hoist.dsl.HoistSession;
import dev.hoist.dsl.ScriptException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hoist check FILE}: compiles and evaluates a script's declarations without pushing or
 * contacting a registry, and reports every problem, one line each.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        header = "Checks a Groovy push script without running its pushes.",
        description = {"Finds misspelt words (with a suggestion), wrong types, unknown registries or plans, bad semver "
                + "ranges and missing files. One line per problem, FILE:LINE:COLUMN: what is wrong. A source or secret "
                + "that is not there yet is a warning."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no problem (warnings may be printed)", "2:problems found"})
final class CheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The script to check; - reads it from standard input.")
    Path file;

    @Option(names = "-P", paramLabel = "NAME=VALUE", description = "A parameter, params.NAME in the script; may repeat.")
    List<String> params = new ArrayList<>();

    private final Main.Io io;

    CheckCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        // What the script prints while its declarations are evaluated is not the check's output.
        var quiet = new PrintStream(OutputStream.nullOutputStream());
        try (var session = new HoistSession(io.env(), RunCommand.params(params), quiet, null).checkOnly(true)) {
            var problems = new ArrayList<String>();
            try {
                ScriptFiles.evaluate(session, file, io);
            } catch (ScriptException e) {
                problems.addAll(e.problems());
            }
            session.warnings().forEach(io.err()::println);
            problems.addAll(session.problems());
            problems.stream().distinct().forEach(io.err()::println);
            if (!problems.isEmpty()) {
                return 2;
            }
            io.err().println(file + ": ok (" + count(session.registries().size(), "registry", "registries") + ", "
                    + count(session.filters().size(), "named filter", "named filters") + ", "
                    + count(session.plans().size(), "plan", "plans") + ")");
            return 0;
        }
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
