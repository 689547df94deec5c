package dev.hoist.engine;

import dev.hoist.HoistException;

import java.util.List;

/** A plan that cannot run: every problem found, one line each, before any network traffic. Exit 2. */
public class PlanException extends HoistException {

    private final List<String> problems;

    public PlanException(List<String> problems, Kind kind) {
        super(String.join("\n", problems), kind);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
