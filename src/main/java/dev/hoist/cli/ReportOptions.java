package dev.hoist.cli;

import picocli.CommandLine.Option;

/** How a command that pushes reports: the JSON report and quiet mode. */
final class ReportOptions {

    @Option(names = "--json", paramLabel = "FILE", arity = "0..1", fallbackValue = "-", preprocessor = JsonReport.OptionalFile.class,
            description = "Write a JSON report to FILE, or to stdout with no FILE or '-'.")
    String json;

    @Option(names = {"-q", "--quiet"}, description = "No progress: only the summary, errors and the pushed references.")
    boolean quiet;
}
