/**
 * hoist puts container images into OCI registries. Errors that reach the user are
 * {@link dev.hoist.HoistException}s; everything else lives in the packages below.
 */
package dev.hoist;
