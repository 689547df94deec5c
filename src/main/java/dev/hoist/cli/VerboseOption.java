package dev.hoist.cli;

import picocli.CommandLine.Option;

/** {@code -v}: debug logs (secrets redacted) and stack traces, for every command that takes it. */
final class VerboseOption {

    @Option(names = {"-v", "--verbose"}, description = "Debug logs (secrets redacted) and stack traces.")
    void verbose(boolean on) {
        Verbosity.set(on);
    }
}
