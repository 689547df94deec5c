package dev.hoist.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hoist completion bash|zsh|fish}: a completion script made from the commands' own model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Prints a shell completion script for bash, zsh or fish.",
        description = {"bash: source <(hoist completion bash), or save it as /etc/bash_completion.d/hoist.",
                "zsh: source <(hoist completion zsh) in ~/.zshrc (it loads bashcompinit).",
                "fish: hoist completion fish > ~/.config/fish/completions/hoist.fish"})
final class CompletionCommand implements Callable<Integer> {

    enum Shell { bash, zsh, fish }

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @CommandLine.Spec
    CommandSpec spec;

    private final Main.Io io;

    CompletionCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        var root = spec.root().commandLine();
        // picocli's script serves zsh too: it loads zsh's bashcompinit when $ZSH_VERSION is set.
        io.out().print(shell == Shell.fish ? fish(root.getCommandSpec()) : AutoComplete.bash(root.getCommandName(), root));
        io.out().flush();
        return 0;
    }

    /** fish has no use for the bash script: its completions are one {@code complete} line per word. */
    static String fish(CommandSpec root) {
        var name = root.name();
        var out = new StringBuilder("# fish completion for ").append(name)
                .append(": ").append(name).append(" completion fish > ~/.config/fish/completions/").append(name).append(".fish\n");
        for (var option : root.options()) {
            option(out, name, "__fish_use_subcommand", option);
        }
        for (var entry : root.subcommands().entrySet()) {
            var sub = entry.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || !entry.getKey().equals(sub.name())) {
                continue;
            }
            out.append("complete -c ").append(name).append(" -n __fish_use_subcommand -f -a ").append(sub.name())
                    .append(" -d ").append(quote(summary(sub))).append('\n');
            var when = "'__fish_seen_subcommand_from " + sub.name() + "'";
            for (var option : sub.options()) {
                option(out, name, when, option);
            }
            if (sub.name().equals("help") || sub.name().equals("completion")) {
                // Their one argument is a word of hoist's, not a file.
                var words = sub.name().equals("help")
                        ? String.join(" ", root.subcommands().keySet())
                        : "bash zsh fish";
                out.append("complete -c ").append(name).append(" -n ").append(when).append(" -f -a ").append(quote(words)).append('\n');
            }
        }
        return out.toString();
    }

    private static void option(StringBuilder out, String command, String when, OptionSpec option) {
        if (option.hidden()) {
            return;
        }
        out.append("complete -c ").append(command).append(" -n ").append(when);
        for (var n : option.names()) {
            if (n.startsWith("--")) {
                out.append(" -l ").append(n.substring(2));
            } else if (n.startsWith("-") && n.length() == 2) {
                out.append(" -s ").append(n.substring(1));
            }
        }
        if (option.arity().max() > 0) {
            out.append(" -r");
            var type = option.type();
            if (option.completionCandidates() != null) {
                var words = new StringBuilder();
                option.completionCandidates().forEach(c -> words.append(words.length() == 0 ? "" : " ").append(c));
                out.append(" -f -a ").append(quote(words.toString()));
            } else if (type == Path.class || type == File.class) {
                out.append(" -F");
            } else {
                out.append(" -f");
            }
        }
        var description = option.description().length > 0 ? option.description()[0] : "";
        if (!description.isEmpty()) {
            out.append(" -d ").append(quote(description));
        }
        out.append('\n');
    }

    private static String summary(CommandSpec spec) {
        var header = spec.usageMessage().header();
        var text = header.length > 0 ? header : spec.usageMessage().description();
        return text.length > 0 ? text[0] : "";
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
