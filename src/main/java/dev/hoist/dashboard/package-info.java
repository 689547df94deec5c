/**
 * The Lanterna dashboard: draws a {@link dev.hoist.engine.JobSnapshot} on a terminal at a fixed rate and
 * turns keys into a {@link dev.hoist.engine.JobView}'s controls; it knows nothing of how the job was reached.
 */
package dev.hoist.dashboard;
