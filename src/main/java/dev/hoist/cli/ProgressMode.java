package dev.hoist.cli;

import java.util.Locale;
import java.util.Map;

/**
 * How a push shows its progress on stderr, chosen as buildx and compose do: {@code auto} picks
 * live lines on a terminal and plain lines when stderr is not one, TERM is dumb or CI is set.
 */
enum ProgressMode {
    AUTO, DASHBOARD, LIVE, PLAIN, JSON, NONE;

    /** What {@code auto} means here; other modes stay as asked. */
    ProgressMode resolve(Main.Io io) {
        if (this != AUTO) {
            return this;
        }
        var term = io.env().getOrDefault("TERM", "");
        return io.terminal() && stderrIsTerminal(io) && !term.equals("dumb") && !ci(io.env()) ? LIVE : PLAIN;
    }

    /**
     * Progress goes to stderr, but Java only says whether stdin and stdout are a terminal: for the
     * process's own stderr, ask Linux where descriptor 2 leads. A session's streams (the shell, SSH)
     * are their own terminal's.
     */
    private static boolean stderrIsTerminal(Main.Io io) {
        if (io.err() != System.err) {
            return true;
        }
        try {
            var target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return true;
        }
    }

    private static boolean ci(Map<String, String> env) {
        var ci = env.get("CI");
        return ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code --progress} alone means auto, as it did before it took a mode: the next word is its mode
     * only when it names one, so {@code --progress SOURCE TARGET} still reads SOURCE as a source.
     */
    static final class OptionalMode implements picocli.CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(java.util.Stack<String> args, picocli.CommandLine.Model.CommandSpec commandSpec,
                                  picocli.CommandLine.Model.ArgSpec argSpec, Map<String, Object> info) {
            if ("=".equals(info.get("separator"))) {
                return false;
            }
            if (!args.isEmpty() && isMode(args.peek())) {
                argSpec.setValue(new Converter().convert(args.pop()));
                return true;
            }
            if (!args.isEmpty() && misspeltMode(args.peek())) {
                throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(),
                        "Invalid value for option '--progress': " + notAMode(args.peek()));
            }
            argSpec.setValue(AUTO);
            return true;
        }

        /**
         * A bare word where a mode could be ({@code --progress bogus}): a mode misspelt, not a source,
         * since sources have a dot, a slash or a prefix ({@code app.tar}, {@code oci:dir}) or are
         * there on disk.
         */
        private static boolean misspeltMode(String word) {
            return word.matches("[A-Za-z][A-Za-z_-]*") && !java.nio.file.Files.exists(java.nio.file.Path.of(word));
        }

        private static boolean isMode(String word) {
            for (var mode : values()) {
                if (mode != NONE && mode.toString().equalsIgnoreCase(word)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Accepts the modes in any case, as written in the help. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<ProgressMode> {
        @Override
        public ProgressMode convert(String value) {
            try {
                var mode = ProgressMode.valueOf(value.toUpperCase(Locale.ROOT));
                if (mode != NONE) {
                    return mode;
                }
            } catch (IllegalArgumentException ignored) {
                // Told below, with the modes there are.
            }
            throw new picocli.CommandLine.TypeConversionException(notAMode(value));
        }
    }

    static String notAMode(String value) {
        return "'" + value + "' is not a progress mode (auto, dashboard, live, plain, json)";
    }
}
