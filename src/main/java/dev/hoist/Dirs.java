package dev.hoist;

import java.nio.file.Path;

/**
 * Where hoist keeps state, the XDG way: config in {@code $XDG_CONFIG_HOME/hoist} (default
 * {@code ~/.config/hoist}), caches in {@code $XDG_CACHE_HOME/hoist} (default {@code ~/.cache/hoist}).
 * {@code HOIST_CONFIG_DIR} / {@code HOIST_CACHE_DIR} (or the system properties of the same names
 * in lower case with dots) point elsewhere.
 */
public final class Dirs {

    private Dirs() {
    }

    public static Path config() {
        return resolve("hoist.config.dir", "HOIST_CONFIG_DIR", "XDG_CONFIG_HOME", ".config");
    }

    public static Path cache() {
        return resolve("hoist.cache.dir", "HOIST_CACHE_DIR", "XDG_CACHE_HOME", ".cache");
    }

    /** {@link #state(java.util.Map)} in the process's own environment. */
    public static Path state() {
        return state(System.getenv());
    }

    /**
     * History and logs: {@code $XDG_STATE_HOME/hoist} (default {@code ~/.local/state/hoist}), or
     * {@code HOIST_STATE_DIR}; {@code $HOME} from the command's environment, as a shell session's
     * environment may not be the process's.
     */
    public static Path state(java.util.Map<String, String> env) {
        var p = System.getProperty("hoist.state.dir");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        var o = env.get("HOIST_STATE_DIR");
        if (o != null && !o.isBlank()) {
            return Path.of(o);
        }
        var x = env.get("XDG_STATE_HOME");
        if (x != null && !x.isBlank()) {
            return Path.of(x, "hoist");
        }
        var home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".local", "state", "hoist");
    }

    private static Path resolve(String property, String override, String xdg, String fallback) {
        var p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        var o = System.getenv(override);
        if (o != null && !o.isBlank()) {
            return Path.of(o);
        }
        var x = System.getenv(xdg);
        if (x != null && !x.isBlank()) {
            return Path.of(x, "hoist");
        }
        return Path.of(System.getProperty("user.home"), fallback, "hoist");
    }
}
