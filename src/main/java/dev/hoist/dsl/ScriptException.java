package dev.hoist.dsl;

import dev.hoist.HoistException;

import java.util.List;

/** What stopped a script: one or more lines {@code FILE:LINE:COLUMN: what is wrong}. */
public final class ScriptException extends HoistException {

    private final List<String> problems;

    ScriptException(List<String> problems, Kind kind, Throwable cause) {
        super(String.join("\n", problems), kind, cause);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
