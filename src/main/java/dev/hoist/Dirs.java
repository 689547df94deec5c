package dev.hoist;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where hoist keeps state, the XDG way: config in {@code $XDG_CONFIG_HOME/hoist} (default
 * {@code ~/.config/hoist}), caches in {@code $XDG_CACHE_HOME/hoist} (default {@code ~/.cache/hoist}),
 * history and logs in {@code $XDG_STATE_HOME/hoist} (default {@code ~/.local/state/hoist}).
 * {@code HOIST_CONFIG_DIR} / {@code HOIST_CACHE_DIR} / {@code HOIST_STATE_DIR} (or the system
 * properties of the same names in lower case with dots) point elsewhere. {@code ~} is
 * {@link #home}: the one place that decides it. The forms taking an environment read the
 * command's (a shell or SSH session's may not be the process's); the others the process's.
 */
public final class Dirs {

    private Dirs() {
    }

    /**
     * The user's home: {@code $HOME} when set, else the JVM's {@code user.home}. Java reads
     * {@code user.home} from the password database, which CI runners, {@code sudo -E} and
     * containers running as an arbitrary UID (where it is {@code ?}) do not keep in step with
     * {@code $HOME}; docker, podman, skopeo and crane all follow the variable.
     */
    public static Path home(Map<String, String> env) {
        var home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    public static Path config(Map<String, String> env) {
        return resolve(env, "hoist.config.dir", "HOIST_CONFIG_DIR", "XDG_CONFIG_HOME", ".config");
    }

    public static Path cache(Map<String, String> env) {
        return resolve(env, "hoist.cache.dir", "HOIST_CACHE_DIR", "XDG_CACHE_HOME", ".cache");
    }

    public static Path state(Map<String, String> env) {
        return resolve(env, "hoist.state.dir", "HOIST_STATE_DIR", "XDG_STATE_HOME", ".local/state");
    }

    public static Path config() {
        return config(System.getenv());
    }

    public static Path cache() {
        return cache(System.getenv());
    }

    public static Path state() {
        return state(System.getenv());
    }

    private static Path resolve(Map<String, String> env, String property, String override, String xdg, String fallback) {
        var p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        var o = env.get(override);
        if (o != null && !o.isBlank()) {
            return Path.of(o);
        }
        var x = env.get(xdg);
        if (x != null && !x.isBlank()) {
            return Path.of(x, "hoist");
        }
        return home(env).resolve(fallback).resolve("hoist");
    }
}
