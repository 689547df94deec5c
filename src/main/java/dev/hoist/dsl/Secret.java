package dev.hoist.dsl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A secret a script refers to rather than holds: an environment variable ({@code env('NAME')}) or
 * a file ({@code file('path')}), read when a push needs it. {@link #toString()} names where it
 * comes from, never the value.
 */
public final class Secret {

    enum Kind { ENV, FILE, LITERAL }

    private final Kind kind;
    private final String where;
    private final String literal;

    private Secret(Kind kind, String where, String literal) {
        this.kind = kind;
        this.where = where;
        this.literal = literal;
    }

    static Secret env(String name) {
        return new Secret(Kind.ENV, name, null);
    }

    static Secret file(Path path) {
        return new Secret(Kind.FILE, path.toString(), null);
    }

    static Secret literal(String value) {
        return new Secret(Kind.LITERAL, "the script", value);
    }

    Kind kind() {
        return kind;
    }

    /** The value, or null when the variable is not set or the file does not exist. */
    String value(Map<String, String> env) {
        return switch (kind) {
            case ENV -> {
                var v = env.get(where);
                yield v == null || v.isEmpty() ? null : v;
            }
            case FILE -> {
                var p = Path.of(where);
                if (!Files.isRegularFile(p)) {
                    yield null;
                }
                try {
                    yield Files.readString(p, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    yield null;
                }
            }
            case LITERAL -> literal;
        };
    }

    /** Why {@link #value} is null: one line naming the variable or file. */
    String missing() {
        return kind == Kind.ENV ? "environment variable " + where + " is not set" : "secret file " + where + " does not exist";
    }

    @Override
    public String toString() {
        return kind == Kind.ENV ? "env('" + where + "')" : kind == Kind.FILE ? "file('" + where + "')" : "(a literal in the script)";
    }
}
