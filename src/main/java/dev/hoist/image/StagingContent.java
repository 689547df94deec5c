package dev.hoist.image;

/** Content of a layer whose {@link Staging} source may push it ahead of the engine. */
public interface StagingContent extends Content {

    Staging staging();
}
