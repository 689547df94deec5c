package dev.hoist.shell;

import dev.hoist.HoistException;
import dev.hoist.cli.Main;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * Asks on a session's own terminal (the shell's, an SSH channel's): a line reader of its own, with
 * no history and no completion, so a secret never reaches the history file, and nothing echoed
 * for a secret. Ctrl-C cancels the command that asked.
 */
public record TerminalPrompt(Terminal terminal) implements Main.Prompt {

    /** JLine's mask for "echo nothing", not even one star per key. */
    private static final Character NOTHING = (char) 0;

    @Override
    public String ask(String question, boolean secret) {
        var reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("hoist")
                .variable(LineReader.DISABLE_HISTORY, true)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        InterruptKey.bind(reader, terminal);
        try {
            return InterruptKey.readLine(terminal, () -> reader.readLine(question, secret ? NOTHING : null));
        } catch (UserInterruptException e) {
            throw new HoistException("cancelled", HoistException.Kind.CANCELLED);
        } catch (EndOfFileException e) {
            return null;
        }
    }

    @Override
    public int columns() {
        return terminal.getWidth();
    }

    @Override
    public int rows() {
        return terminal.getHeight();
    }
}
