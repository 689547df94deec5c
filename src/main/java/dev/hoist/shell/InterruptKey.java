package dev.hoist.shell;

import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.LineReader;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;

/**
 * Ctrl-C while a line is read is a key, read in order with the keys around it, not a signal.
 * As a signal (ISIG) it reaches JLine's reading thread as an interrupt on another thread's
 * schedule, and JLine's pty stream only looks at that interrupt when a read comes back empty:
 * a key typed right after Ctrl-C was read first and joined the line being cancelled, and the
 * new line lost it ({@code abc}, Ctrl-C, {@code 6*7} gave {@code abc6} and {@code *7}).
 * Outside {@link #readLine} the terminal's signals are as they were: Ctrl-C stops a running command.
 */
final class InterruptKey {

    private static final String WIDGET = "hoist-interrupt";

    private InterruptKey() {
    }

    /**
     * Binds the terminal's interrupt character (Ctrl-C unless {@code stty intr} says otherwise)
     * to end {@code reader}'s line as an interrupt: {@code readLine} throws {@link UserInterruptException}.
     */
    static void bind(LineReader reader, Terminal terminal) {
        int intr = terminal.getAttributes().getControlChar(Attributes.ControlChar.VINTR);
        if (intr <= 0 || intr > 0x7f) {
            return; // disabled (stty intr undef): nothing to bind
        }
        reader.getWidgets().put(WIDGET, () -> {
            throw new UserInterruptException(reader.getBuffer().toString());
        });
        for (var map : List.of(LineReader.EMACS, LineReader.VIINS, LineReader.VICMD)) {
            reader.getKeyMaps().get(map).bind(new Reference(WIDGET), String.valueOf((char) intr));
        }
    }

    /** Runs {@code read} (a {@code readLine} of a reader {@link #bind bound}) with the terminal's signal keys off. */
    static String readLine(Terminal terminal, Supplier<String> read) {
        var attributes = terminal.getAttributes();
        var keys = new Attributes(attributes);
        keys.setLocalFlag(Attributes.LocalFlag.ISIG, false);
        terminal.setAttributes(keys);
        try {
            return read.get();
        } finally {
            terminal.setAttributes(attributes);
        }
    }
}
