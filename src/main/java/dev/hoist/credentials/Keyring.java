package dev.hoist.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The OS keyring through {@code secret-tool} (the Secret Service of GNOME Keyring or KWallet, over a
 * D-Bus session), which takes the secret on stdin. Where it does not answer (a headless machine, no
 * session bus, macOS or Windows, whose tools take secrets only as arguments visible in the process
 * list), {@link #available()} is false and logins go to the file.
 */
public final class Keyring {

    private static final String SERVICE = "hoist";

    private final Map<String, String> env;
    private final String tool;
    private Boolean available;

    public Keyring(Map<String, String> env) {
        this.env = env;
        this.tool = "secret-tool";
    }

    public String name() {
        return "the Secret Service keyring";
    }

    /** Whether the keyring answers here: the tool is installed and (on Linux) a session bus is there. */
    public synchronized boolean available() {
        if (available == null) {
            available = Executables.find(tool, env).isPresent() && env.get("DBUS_SESSION_BUS_ADDRESS") != null
                    && run(new String[]{"search", "service", SERVICE}, null) != null;
        }
        return available;
    }

    Optional<String> get(String registry) {
        if (!available()) {
            return Optional.empty();
        }
        var out = run(new String[]{"lookup", "service", SERVICE, "registry", registry}, null);
        if (out == null) {
            return Optional.empty();
        }
        return Optional.of(out.endsWith("\n") ? out.substring(0, out.length() - 1) : out);
    }

    boolean put(String registry, String username, String secret) {
        return run(new String[]{"store", "--label", "hoist: " + registry, "service", SERVICE, "registry", registry,
                "username", username}, secret) != null;
    }

    void remove(String registry) {
        run(new String[]{"clear", "service", SERVICE, "registry", registry}, null);
    }

    private String run(String[] args, String stdin) {
        return Programs.run(tool, java.util.List.of(args), stdin, env, 15);
    }
}
