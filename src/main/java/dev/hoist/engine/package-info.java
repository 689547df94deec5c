/**
 * The one push engine: a {@link dev.hoist.engine.PushPlan} of images and targets, run on a bounded
 * pool with cross-image dedupe, manifests last, reporting only through {@link dev.hoist.engine.PushEvent}s.
 */
package dev.hoist.engine;
