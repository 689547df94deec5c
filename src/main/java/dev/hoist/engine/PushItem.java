package dev.hoist.engine;

import dev.hoist.image.Artifact;
import dev.hoist.image.ImageRef;

/** One image (or index) of a plan and where it goes. */
public record PushItem(String source, Artifact artifact, ImageRef target) {
}
