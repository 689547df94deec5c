package dev.hoist.engine;

/** Receives the engine's events, on a thread of its own; it may be slow without slowing a push. */
@FunctionalInterface
public interface PushListener {

    void on(PushEvent event);
}
