package dev.hoist.dsl;

import dev.hoist.engine.PushPlan;
import dev.hoist.engine.PushResult;

/**
 * How a script's {@code push} and {@code dryRun} run a plan: the command line runs it in the
 * foreground with progress and a summary; the shell may submit it to the process's jobs. The
 * plan already carries its registries' own settings and credentials.
 */
public interface PushRunner {

    /** Runs the plan on the engine and returns when it ended; null when it was sent to the background (then push returns null). */
    PushResult run(String name, PushPlan plan);

    /** The one-line summary of a result, as the face prints it. */
    String summary(PushResult result);

    /** The JSON report of a result, as the face writes it. */
    String json(PushResult result);
}
