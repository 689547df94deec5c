/**
 * Speaks the OCI distribution spec on java.net.http: challenges, basic and bearer auth with a
 * token cache, blob HEAD / mount / monolithic, chunked and streamed uploads, manifests, TLS, retries.
 */
package dev.hoist.registry;
