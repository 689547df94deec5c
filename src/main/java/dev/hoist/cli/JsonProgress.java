package dev.hoist.cli;

import dev.hoist.attach.JobJson;
import dev.hoist.engine.PushEvent;
import dev.hoist.engine.PushListener;

import java.io.PrintStream;

/** {@code --progress json}: every event as one JSON object per line, for programs that follow a push. */
final class JsonProgress implements PushListener {

    private final PrintStream out;

    JsonProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void on(PushEvent event) {
        out.println(JobJson.event(event));
    }
}
