package dev.hoist.cli;

import dev.hoist.HoistException;

import java.util.List;

/** Prints every problem but the last, one line each, and returns the last as the error to exit with. */
final class Problems {

    private Problems() {
    }

    static HoistException report(Main.Io io, List<String> problems, HoistException.Kind kind) {
        for (int i = 0; i < problems.size() - 1; i++) {
            io.err().println("hoist: " + problems.get(i));
        }
        return new HoistException(problems.get(problems.size() - 1), kind);
    }
}
