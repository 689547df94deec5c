/**
 * Where registry secrets come from. Secrets live in {@link dev.hoist.credentials.Credentials},
 * whose string form never shows them.
 */
package dev.hoist.credentials;
