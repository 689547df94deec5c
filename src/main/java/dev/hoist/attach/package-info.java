/**
 * Attaching to a running push from another process: each job is exposed on a Unix domain socket
 * as JSON lines (snapshots, events, controls), with a {@link dev.hoist.engine.JobView} client over it.
 */
package dev.hoist.attach;
