/**
 * The one push engine: a {@link dev.hoist.engine.PushPlan} of images and targets, run on a bounded
 * pool with cross-image dedupe, manifests last, reporting only through {@link dev.hoist.engine.PushEvent}s;
 * and {@link dev.hoist.engine.Jobs}: plans running as jobs with a pause/concurrency/bandwidth gate and a live model.
 */
package dev.hoist.engine;
