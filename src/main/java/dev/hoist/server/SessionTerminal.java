package dev.hoist.server;

import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The JLine terminal of an SSH session: an {@code ExternalTerminal} over the channel's streams, so
 * the line discipline runs in Java (Ctrl-C becomes {@code Signal.INT}, a closed channel ends a
 * read) instead of on a local pty. Modes and size come from the client's pty request; without one
 * ({@code ssh -T}) it is a dumb 80x24 terminal, so nothing waits for answers to escape sequences.
 */
final class SessionTerminal {

    private static final Map<PtyMode, ControlChar> CHARS = new EnumMap<>(Map.ofEntries(
            Map.entry(PtyMode.VINTR, ControlChar.VINTR), Map.entry(PtyMode.VQUIT, ControlChar.VQUIT),
            Map.entry(PtyMode.VERASE, ControlChar.VERASE), Map.entry(PtyMode.VKILL, ControlChar.VKILL),
            Map.entry(PtyMode.VEOF, ControlChar.VEOF), Map.entry(PtyMode.VEOL, ControlChar.VEOL),
            Map.entry(PtyMode.VEOL2, ControlChar.VEOL2), Map.entry(PtyMode.VSTART, ControlChar.VSTART),
            Map.entry(PtyMode.VSTOP, ControlChar.VSTOP), Map.entry(PtyMode.VSUSP, ControlChar.VSUSP),
            Map.entry(PtyMode.VDSUSP, ControlChar.VDSUSP), Map.entry(PtyMode.VREPRINT, ControlChar.VREPRINT),
            Map.entry(PtyMode.VWERASE, ControlChar.VWERASE), Map.entry(PtyMode.VLNEXT, ControlChar.VLNEXT),
            Map.entry(PtyMode.VSTATUS, ControlChar.VSTATUS), Map.entry(PtyMode.VDISCARD, ControlChar.VDISCARD)));
    private static final Map<PtyMode, LocalFlag> LOCAL = new EnumMap<>(Map.of(
            PtyMode.ECHO, LocalFlag.ECHO, PtyMode.ICANON, LocalFlag.ICANON, PtyMode.ISIG, LocalFlag.ISIG,
            PtyMode.IEXTEN, LocalFlag.IEXTEN, PtyMode.ECHOE, LocalFlag.ECHOE, PtyMode.ECHOK, LocalFlag.ECHOK));
    private static final Map<PtyMode, InputFlag> INPUT = new EnumMap<>(Map.of(
            PtyMode.ICRNL, InputFlag.ICRNL, PtyMode.INLCR, InputFlag.INLCR, PtyMode.IGNCR, InputFlag.IGNCR,
            PtyMode.IXON, InputFlag.IXON, PtyMode.IUTF8, InputFlag.IUTF8));
    private static final Map<PtyMode, OutputFlag> OUTPUT = new EnumMap<>(Map.of(
            PtyMode.OPOST, OutputFlag.OPOST, PtyMode.ONLCR, OutputFlag.ONLCR, PtyMode.OCRNL, OutputFlag.OCRNL,
            PtyMode.ONLRET, OutputFlag.ONLRET));

    private SessionTerminal() {
    }

    static Terminal open(Environment environment, InputStream in, OutputStream out) throws IOException {
        var env = environment.getEnv();
        var pty = env.containsKey(Environment.ENV_TERM);
        var terminal = TerminalBuilder.builder()
                .name("hoist ssh")
                .system(false)
                .provider("exec")
                .streams(in, out)
                .type(pty ? env.get(Environment.ENV_TERM) : Terminal.TYPE_DUMB)
                .encoding(charset(env))
                .attributes(attributes(environment.getPtyModes()))
                .size(size(env))
                .build();
        // A resize on the client: the new size is in the environment by the time the signal comes.
        environment.addSignalListener((channel, signals) -> {
            terminal.setSize(size(env));
            terminal.raise(Terminal.Signal.WINCH);
        }, Signal.WINCH);
        return terminal;
    }

    static Attributes attributes(Map<PtyMode, Integer> modes) {
        var a = new Attributes();
        if (modes.isEmpty()) {
            // No pty: what a shell reading a pipe gets, line by line, with no echo of its own.
            a.setLocalFlags(java.util.EnumSet.of(LocalFlag.ICANON, LocalFlag.ISIG));
            a.setInputFlag(InputFlag.ICRNL, true);
            a.setControlChar(ControlChar.VINTR, 3);
            a.setControlChar(ControlChar.VEOF, 4);
            return a;
        }
        modes.forEach((mode, value) -> {
            if (CHARS.containsKey(mode)) {
                a.setControlChar(CHARS.get(mode), value);
            } else if (LOCAL.containsKey(mode)) {
                a.setLocalFlag(LOCAL.get(mode), value != 0);
            } else if (INPUT.containsKey(mode)) {
                a.setInputFlag(INPUT.get(mode), value != 0);
            } else if (OUTPUT.containsKey(mode)) {
                a.setOutputFlag(OUTPUT.get(mode), value != 0);
            }
        });
        return a;
    }

    static Size size(Map<String, String> env) {
        return new Size(number(env.get(Environment.ENV_COLUMNS), 80), number(env.get(Environment.ENV_LINES), 24));
    }

    private static int number(String text, int otherwise) {
        try {
            var n = text != null ? Integer.parseInt(text.strip()) : 0;
            return n > 0 ? n : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The charset the client's locale names ({@code LC_ALL}, {@code LC_CTYPE}, {@code LANG}: en_US.UTF-8), UTF-8 otherwise. */
    static Charset charset(Map<String, String> env) {
        for (var name : new String[]{"LC_ALL", "LC_CTYPE", "LANG"}) {
            var locale = env.get(name);
            if (locale == null || locale.isBlank()) {
                continue;
            }
            var dot = locale.indexOf('.');
            if (dot < 0) {
                break;
            }
            var cs = locale.substring(dot + 1).replaceFirst("@.*$", "");
            try {
                return Charset.forName(cs.equalsIgnoreCase("utf8") ? "UTF-8" : cs);
            } catch (IllegalArgumentException unknown) {
                break;
            }
        }
        return StandardCharsets.UTF_8;
    }
}
