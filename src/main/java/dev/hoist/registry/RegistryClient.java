package dev.hoist.registry;

import dev.hoist.credentials.Credentials;
import dev.hoist.image.Blob;
import dev.hoist.image.CompressedLayer;
import dev.hoist.image.CountingInputStream;
import dev.hoist.image.TransferListener;
import dev.hoist.image.Descriptor;
import dev.hoist.image.Digest;
import dev.hoist.image.MediaTypes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client for one registry host, safe to share between threads. Every operation is retried on
 * transient failures, where it failed: an upload's POST, PATCH (from the offset the registry
 * holds) or final PUT (after a HEAD: it may have landed) alone, never the whole upload for one failure.
 */
public final class RegistryClient {

    private static final Duration SMALL_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Tags asked for per page of tags/list: distribution answers up to 1000 by default, some registries fewer. */
    private static final int TAGS_PAGE = 1000;
    private static final long MAX_FIRST_CHUNK = 16L << 20;
    private static final long MIN_CHUNK = 256L << 10;
    /** Blobs this large go up in chunks, each recorded, so an interrupted push resumes instead of starting over. */
    private static final long RESUMABLE_MIN = 64L << 20;
    private static final long RESUMABLE_CHUNK = 16L << 20;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RegistryClient.class);
    private static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

    private final String host;
    private final Transport transport;
    private final Authenticator authenticator;
    private final Credentials credentials;
    private final RegistryOptions options;
    private final Retry retry;
    private final Retry.Listener retryListener;
    private final Semaphore inFlight;
    private volatile boolean pinged;
    /** The last answer to /v2/ that asked to wait (429 or 503 with Retry-After), and until when; guarded by this. */
    private RegistryException pingRefused;
    private long pingRetryAt;
    /** PATCH chunk size in use: the option's, or smaller once the registry refused a body as too large (413). */
    private volatile long chunkSize;
    private final UploadSessions sessions;

    public RegistryClient(String host, Credentials credentials, RegistryOptions options, Retry.Listener retryListener) {
        this.host = host;
        this.options = options;
        this.transport = new Transport(host, options);
        this.authenticator = new Authenticator(transport, credentials);
        this.credentials = credentials;
        this.retry = new Retry(options.retries());
        this.retryListener = retryListener;
        this.inFlight = new Semaphore(Math.max(1, options.maxPerRegistry()), true);
        this.chunkSize = options.chunkSize();
        this.sessions = new UploadSessions(options.sessionsDir());
    }

    public String host() {
        return host;
    }

    /** Ends this client's threads once its requests are done. */
    public void close() {
        transport.close();
    }

    /** Checks the registry answers and learns how it wants to be authenticated. */
    public void ping() {
        retry.run(host, retryListener, () -> {
            ensurePinged();
            return null;
        });
    }

    /**
     * Checks the credentials as {@code docker login} does: a token from the realm with no scope, or
     * {@code GET /v2/} with Basic. Returns false when the registry asks for no login at all.
     */
    public boolean login() {
        return retry.run(host, retryListener, () -> {
            ensurePinged();
            if (!authenticator.challenged()) {
                return false;
            }
            var r = exchange("GET", uri("/v2/"), List.of(), null, Map.of());
            if (r.statusCode() != 200) {
                throw failure(host, r);
            }
            return true;
        });
    }

    public boolean blobExists(String repository, Digest digest) {
        return present(host + "/" + repository + ": blob " + digest, repository, digest);
    }

    /** The digest a manifest reference (tag or digest) resolves to, or empty when there is none. */
    public Optional<Digest> manifestDigest(String repository, String reference) {
        var what = host + "/" + repository + ":" + reference;
        return retry.run(what, retryListener, () -> {
            var r = exchange("HEAD", uri("/v2/" + repository + "/manifests/" + reference), pull(repository), null,
                    Map.of("Accept", MANIFEST_ACCEPT));
            if (r.statusCode() == 404) {
                return Optional.empty();
            }
            if (r.statusCode() != 200) {
                throw failure(what, r);
            }
            return r.headers().firstValue("Docker-Content-Digest").map(Digest::parse);
        });
    }

    /**
     * Puts a blob whose digest is known: mounted from {@code mountFrom} when given and the registry
     * agrees, otherwise uploaded (monolithic, or in chunks when a chunk size is set).
     */
    public UploadResult uploadBlob(String repository, Blob blob, String mountFrom, TransferListener listener) {
        return shrinkingOn413(blob.size(), () -> uploadBlobOnce(repository, blob, mountFrom, listener));
    }

    private UploadResult uploadBlobOnce(String repository, Blob blob, String mountFrom, TransferListener listener) {
        var what = host + "/" + repository + ": blob " + blob.digest();
        var scopes = push(repository);
        boolean chunked = blob.size() > 0 && (chunkSize > 0 || blob.size() >= RESUMABLE_MIN);
        var key = "blob:" + blob.digest();
        for (int restart = 0; ; restart++) {
            try {
                var resumed = chunked ? retry.run(what, retryListener, () -> resume(repository, key, scopes)) : null;
                HttpResponse<byte[]> start = null;
                if (resumed == null && mountFrom != null && restart == 0) {
                    var m = retry.run(what, retryListener, () -> mount(repository, blob, mountFrom));
                    if (m != null && m.statusCode() == 201) {
                        return new UploadResult(blob.descriptor(), UploadResult.How.MOUNTED, 0, 0);
                    }
                    // 202: the registry did not mount but opened an upload session; use it.
                    start = m != null && m.statusCode() == 202 ? m : null;
                }
                if (resumed == null && start == null) {
                    start = startUpload(what, repository, scopes);
                }
                var session = new AtomicReference<>(resumed != null ? resumed.location() : location(what, start, null));
                long sent;
                if (chunked) {
                    long from = resumed != null ? resumed.offset() : 0;
                    try (var in = new CountingInputStream(blob.open(), listener, false)) {
                        patchChunks(what, session, from, scopes, in, chunkSize(start), repository, key);
                        sent = in.count() - from;
                    }
                    finish(what, repository, blob.digest(), session, scopes, null, Map.of());
                    sessions.forget(host, repository, key);
                } else {
                    var counter = new AtomicReference<CountingInputStream>();
                    var body = new StreamBody(() -> {
                        var c = new CountingInputStream(blob.open(), listener, false);
                        counter.set(c);
                        return c;
                    }, blob.size());
                    finish(what, repository, blob.digest(), session, scopes, body, Map.of("Content-Type", "application/octet-stream"));
                    sent = counter.get() == null ? 0 : counter.get().count();
                }
                return new UploadResult(blob.descriptor(), UploadResult.How.UPLOADED, sent, sent);
            } catch (SessionLost lost) {
                again(restart, lost);
            } catch (IOException e) {
                throw Transport.unreachable(what, e);
            }
        }
    }

    /**
     * The registry no longer has the upload session a failed request was part of (404, or a range
     * or digest it refuses after the failure): a new session is started, at most {@code --retries} times.
     */
    private static final class SessionLost extends RuntimeException {
        final RegistryException failure;

        SessionLost(RegistryException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private void again(int restart, SessionLost lost) {
        if (restart >= retry.retries()) {
            throw lost.failure;
        }
        log.debug("{}; starting the upload again", lost.getMessage());
    }

    /** After a failed request of a session, whether this answer says the session is gone rather than busy. */
    private static boolean sessionGone(HttpResponse<?> r) {
        return r.statusCode() == 404 || r.statusCode() == 400 || r.statusCode() == 416;
    }

    /** POST to start an upload session, retried alone. */
    private HttpResponse<byte[]> startUpload(String what, String repository, List<String> scopes) {
        return retry.run(what, retryListener, () -> {
            var r = exchange("POST", uri("/v2/" + repository + "/blobs/uploads/"), scopes, null, Map.of());
            if (r.statusCode() != 202) {
                throw failure(what, r);
            }
            return r;
        });
    }

    /**
     * The final PUT of an upload (with the whole body for a monolithic one), retried alone; before
     * trying again it asks (HEAD) whether the blob landed anyway, since a lost answer is not a lost write.
     */
    private void finish(String what, String repository, Digest digest, AtomicReference<URI> session, List<String> scopes,
                        HttpRequest.BodyPublisher body, Map<String, String> headers) {
        retry.runAttempts(what, retryListener, attempt -> {
            if (attempt > 0 && present(what, repository, digest)) {
                return null;
            }
            var r = exchange("PUT", withDigest(session.get(), digest), scopes, body, headers);
            if (r.statusCode() == 201 || r.statusCode() == 204) {
                return null;
            }
            var f = failure(what, r);
            if (attempt > 0 && sessionGone(r)) {
                throw new SessionLost(f);
            }
            throw f;
        });
    }

    /** HEAD of a blob, retried alone: a check before a retried PUT never costs the PUT an attempt. */
    private boolean present(String what, String repository, Digest digest) {
        return retry.run(what, retryListener, () -> {
            var r = exchange("HEAD", uri("/v2/" + repository + "/blobs/" + digest), pull(repository), null, Map.of());
            return switch (r.statusCode()) {
                case 200, 307 -> true;
                case 404 -> false;
                default -> throw failure(what, r);
            };
        });
    }

    /**
     * How many bytes an upload session holds ({@code GET} on its URL answers with a Range), its
     * location updated from the answer. A session the registry no longer knows is {@link SessionLost}.
     */
    private long held(String what, AtomicReference<URI> session, List<String> scopes) {
        return retry.run(what, retryListener, () -> {
            var r = exchange("GET", session.get(), scopes, null, Map.of());
            if (r.statusCode() == 404) {
                throw new SessionLost(failure(what, r));
            }
            if (r.statusCode() != 204 && r.statusCode() != 200) {
                throw failure(what, r);
            }
            session.set(location(what, r, session.get()));
            return heldBytes(r.headers().firstValue("Range").orElse(null));
        });
    }

    /**
     * Bytes held by a Range header: {@code 0-N} holds N+1, but distribution answers {@code 0-0} for
     * an empty session as well as for one byte; taken as empty (a one-byte chunk is never sent).
     */
    static long heldBytes(String range) {
        if (range == null || !range.matches("(bytes=)?0-\\d+")) {
            return 0;
        }
        long end = Long.parseLong(range.substring(range.indexOf('-') + 1));
        return end == 0 ? 0 : end + 1;
    }

    /**
     * Asks the registry to mount a blob from another repository. Null when that cannot even be
     * asked (the token server refuses to let us read the other repository) or is refused (401,
     * 403, 404...): the caller uploads instead. Network failures propagate, to be retried.
     */
    private HttpResponse<byte[]> mount(String repository, Blob blob, String from) throws IOException {
        try {
            var r = exchange("POST", uri("/v2/" + repository + "/blobs/uploads/?mount=" + blob.digest() + "&from=" + encode(from)),
                    List.of(pushScope(repository), pullScope(from)), null, Map.of());
            if (r.statusCode() == 201 || r.statusCode() == 202) {
                return r;
            }
            log.debug("mount of {} from {} into {} refused ({}); uploading", blob.digest(), from, repository, r.statusCode());
        } catch (RegistryException e) {
            log.debug("mount of {} from {} into {} not possible: {}; uploading", blob.digest(), from, repository, e.getMessage());
        }
        return null;
    }

    /**
     * Compresses a layer while uploading it, learning the digest at the end: a streamed PATCH (or
     * chunks when a chunk size is set), then a PUT naming the digest.
     */
    public UploadResult uploadCompressed(String repository, CompressedLayer layer, TransferListener listener) {
        return shrinkingOn413(-1, () -> uploadCompressedOnce(repository, layer, listener));
    }

    /**
     * Runs an upload; when the registry (or a proxy in front of it) refuses a body as too large,
     * uploads in chunks instead, halving them until they pass, and keeps that size for the rest of
     * the run. Ingresses such as the one in front of idpbuilder's Gitea cap request bodies.
     */
    private UploadResult shrinkingOn413(long size, java.util.function.Supplier<UploadResult> upload) {
        while (true) {
            long tried = chunkSize;
            try {
                return upload.get();
            } catch (RegistryException e) {
                if (e.status() != 413) {
                    throw e;
                }
                long next = tried > 0 ? tried / 2 : size > 0 ? Math.min(size / 2, MAX_FIRST_CHUNK) : MAX_FIRST_CHUNK;
                if (next < MIN_CHUNK) {
                    throw e;
                }
                synchronized (this) {
                    if (chunkSize == tried) {
                        chunkSize = next;
                    }
                }
                if (retryListener != null) {
                    retryListener.retrying(1, Duration.ZERO, host + " refuses request bodies that large (413); uploading in chunks of "
                            + (chunkSize / 1024) + " KiB");
                }
            }
        }
    }

    private UploadResult uploadCompressedOnce(String repository, CompressedLayer layer, TransferListener listener) {
        // A layer still streaming from an export may not know its diff ID yet: then where it is read from names it.
        var what = host + "/" + repository + ": layer " + (layer.diffId() != null ? layer.diffId() : layer.content().location());
        var scopes = push(repository);
        boolean chunked = chunkSize > 0 || layer.size() >= RESUMABLE_MIN;
        var key = layer.diffId() == null ? null : "layer:" + layer.diffId() + ":" + layer.compression().scheme();
        for (int restart = 0; ; restart++) {
            try {
                var resumed = chunked && key != null ? retry.run(what, retryListener, () -> resume(repository, key, scopes)) : null;
                var start = resumed == null ? startUpload(what, repository, scopes) : null;
                var session = new AtomicReference<>(resumed != null ? resumed.location() : location(what, start, null));
                long resumedAt = resumed != null ? resumed.offset() : 0;
                var counter = new AtomicReference<CountingInputStream>();
                var reader = new AtomicReference<CountingInputStream>();
                StreamBody.Opener open = () -> {
                    // Progress counts uncompressed bytes read, comparable with the layer's size; the
                    // bandwidth limit, the compressed bytes sent.
                    listener.sent(0);
                    var read = new CountingInputStream(layer.open(), listener, false);
                    var c = new CountingInputStream(layer.compression().compress(read), listener::sent, true);
                    reader.set(read);
                    counter.set(c);
                    return c;
                };
                retry.runAttempts(what, retryListener, attempt -> {
                    // After a failure: ask where the registry stands, compress again (the output is the
                    // same on every run) and send only the rest, in ranged chunks.
                    long from = attempt > 0 ? held(what, session, scopes) : resumedAt;
                    if (chunked || attempt > 0 || from > 0) {
                        try (var in = open.open()) {
                            patchChunks(what, session, from, scopes, in, chunkSize(start), repository, key);
                        }
                        return null;
                    }
                    var r = exchange("PATCH", session.get(), scopes, new StreamBody(open, -1),
                            Map.of("Content-Type", "application/octet-stream"));
                    expect(what, r, 202, 204);
                    session.set(location(what, r, session.get()));
                    return null;
                });
                var c = counter.get();
                var digest = c.digest();
                finish(what, repository, digest, session, scopes, null, Map.of());
                if (key != null) {
                    sessions.forget(host, repository, key);
                }
                return new UploadResult(new Descriptor(layer.mediaType(), digest, c.count()), UploadResult.How.UPLOADED,
                        reader.get().count(), c.count() - resumedAt);
            } catch (SessionLost lost) {
                again(restart, lost);
            }
        }
    }

    /** Puts a manifest or index under a tag or digest; returns the digest the registry reports. */
    public Digest putManifest(String repository, String reference, byte[] raw, String mediaType) {
        var what = host + "/" + repository + ":" + reference;
        var expected = Digest.sha256(raw);
        return retry.runAttempts(what, retryListener, attempt -> {
            // A PUT whose answer was lost may have landed: ask before sending it again.
            if (attempt > 0 && manifestDigest(repository, reference).filter(expected::equals).isPresent()) {
                return expected;
            }
            var r = exchange("PUT", uri("/v2/" + repository + "/manifests/" + reference), push(repository),
                    HttpRequest.BodyPublishers.ofByteArray(raw), Map.of("Content-Type", mediaType));
            if (r.statusCode() >= 500 && new String(r.body(), StandardCharsets.UTF_8).contains("MANIFEST_BLOB_UNKNOWN")) {
                // distribution answers a manifest it refuses to verify (a foreign layer's URL) with 500: asking again cannot help.
                throw RegistryException.permanent(failure(what, r).getMessage());
            }
            expect(what, r, 201, 200);
            var reported = r.headers().firstValue("Docker-Content-Digest").map(Digest::parse).orElse(expected);
            if (!reported.equals(expected)) {
                throw RegistryException.permanent(what + ": registry stored the manifest as " + reported + ", expected " + expected);
            }
            return reported;
        });
    }

    /** The bytes of a manifest or index under a tag or digest, or empty when there is none. */
    public Optional<byte[]> manifest(String repository, String reference) {
        var what = host + "/" + repository + ":" + reference;
        return retry.run(what, retryListener, () -> {
            var r = exchange("GET", uri("/v2/" + repository + "/manifests/" + reference), pull(repository), null,
                    Map.of("Accept", MANIFEST_ACCEPT));
            if (r.statusCode() == 404) {
                return Optional.<byte[]>empty();
            }
            expect(what, r, 200);
            return Optional.of(r.body());
        });
    }

    /**
     * The tags of a repository ({@code GET /v2/NAME/tags/list}), every page of them, in the order the
     * registry gives; empty when the repository does not exist.
     */
    public List<String> tags(String repository) {
        return tags(repository, TAGS_PAGE);
    }

    /**
     * The same, asking for pages of at most {@code pageSize} tags ({@code ?n=}) and following the
     * registry's {@code Link: <...>; rel="next"} to the next page, as the distribution spec says.
     */
    public List<String> tags(String repository, int pageSize) {
        var what = host + "/" + repository + ": tags";
        var out = new java.util.ArrayList<String>();
        var asked = new java.util.HashSet<String>();
        for (var page = "/v2/" + repository + "/tags/list?n=" + Math.max(1, pageSize); page != null && asked.add(page); ) {
            var path = page;
            var r = retry.run(what, retryListener, () -> {
                var response = exchange("GET", uri(path), pull(repository), null, Map.of("Accept", "application/json"));
                if (response.statusCode() != 404) {
                    expect(what, response, 200);
                }
                return response;
            });
            if (r.statusCode() == 404) {
                return List.of();
            }
            var tags = dev.hoist.image.Json.parse(r.body(), what).get("tags");
            if (tags != null && tags.isArray()) {
                tags.forEach(t -> out.add(t.asText()));
            }
            page = r.headers().allValues("Link").stream().map(RegistryClient::nextLink).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(null);
        }
        return out;
    }

    private static final java.util.regex.Pattern NEXT = java.util.regex.Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    /** The target of a {@code rel="next"} link: a path, or a URL (resolved against the registry, so it may be either). */
    private static String nextLink(String header) {
        var m = NEXT.matcher(header);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Whether the registry answers the OCI 1.1 referrers API ({@code GET /v2/NAME/referrers/DIGEST}).
     * A registry that does answers 200 even for a subject without referrers; one without it (older
     * distribution, Gitea) answers 404, or refuses the path as unknown.
     */
    public boolean referrersApi(String repository, Digest subject) {
        var what = host + "/" + repository + ": referrers of " + subject;
        return retry.run(what, retryListener, () -> {
            var r = exchange("GET", uri("/v2/" + repository + "/referrers/" + subject), pull(repository), null,
                    Map.of("Accept", MediaTypes.OCI_INDEX));
            return switch (r.statusCode()) {
                case 200 -> true;
                case 400, 404, 405 -> false;
                default -> throw failure(what, r);
            };
        });
    }

    /**
     * Sends a stream in PATCH chunks with Content-Range, starting at {@code from} (the bytes before
     * it are read, so digests and checks still see them, but not sent), and records the session
     * after each chunk so a later run can resume it. A chunk that fails is retried alone, from
     * where the registry says it stands: the chunk is still in memory.
     */
    private void patchChunks(String what, AtomicReference<URI> session, long from, List<String> scopes, InputStream in,
                             long chunk, String repository, String key) throws IOException {
        for (long left = from; left > 0; ) {
            long skipped = in.readNBytes(new byte[(int) Math.min(left, 1 << 16)], 0, (int) Math.min(left, 1 << 16));
            if (skipped <= 0) {
                throw new IOException("the source is shorter than the part already uploaded");
            }
            left -= skipped;
        }
        var buffer = new byte[(int) chunk];
        long offset = from;
        while (true) {
            int n = in.readNBytes(buffer, 0, buffer.length);
            if (n == 0) {
                break;
            }
            final long start = offset;
            retry.runAttempts(what, retryListener, attempt -> {
                long held = attempt > 0 ? held(what, session, scopes) : start;
                if (held >= start + n) {
                    return null;
                }
                if (held < start) {
                    throw new SessionLost(new RegistryException(what + ": the registry holds " + held
                            + " bytes of the upload, fewer than the " + start + " it had taken", 416, null));
                }
                int skip = (int) (held - start);
                var r = exchange("PATCH", session.get(), scopes, HttpRequest.BodyPublishers.ofByteArray(buffer, skip, n - skip),
                        Map.of("Content-Type", "application/octet-stream",
                                "Content-Range", held + "-" + (start + n - 1)));
                if (r.statusCode() == 202 || r.statusCode() == 204) {
                    session.set(location(what, r, session.get()));
                    return null;
                }
                var f = failure(what, r);
                if (attempt > 0 && sessionGone(r)) {
                    throw new SessionLost(f);
                }
                throw f;
            });
            offset += n;
            if (key != null) {
                sessions.save(host, repository, key, session.get(), offset);
            }
            if (n < buffer.length) {
                // Reach the end so a verifying stream checks the digest before the final PUT.
                if (in.read() >= 0) {
                    throw new IOException("stream grew while reading");
                }
                break;
            }
        }
    }

    private long chunkSize(HttpResponse<?> startResponse) {
        long min = startResponse == null ? 0
                : startResponse.headers().firstValue("OCI-Chunk-Min-Length").map(Long::parseLong).orElse(0L);
        long wanted = chunkSize > 0 ? chunkSize : RESUMABLE_CHUNK;
        return Math.min(Math.max(wanted, min), Integer.MAX_VALUE - 64);
    }

    /**
     * A session an earlier run left, if the registry still has it: where to go on and how many
     * bytes it holds ({@code GET} on the upload URL answers with a Range). Null to start afresh.
     */
    private UploadSessions.Session resume(String repository, String key, List<String> scopes) throws IOException {
        var saved = sessions.find(host, repository, key);
        if (saved.isEmpty()) {
            return null;
        }
        var r = exchange("GET", saved.get().location(), scopes, null, Map.of());
        var range = r.headers().firstValue("Range");
        if ((r.statusCode() == 204 || r.statusCode() == 200) && range.isPresent() && range.get().matches("(bytes=)?0-\\d+")) {
            long held = Long.parseLong(range.get().substring(range.get().indexOf('-') + 1)) + 1;
            log.debug("{}/{}: resuming an upload at byte {}", host, repository, held);
            return new UploadSessions.Session(location(host, r, saved.get().location()), held);
        }
        sessions.forget(host, repository, key);
        return null;
    }

    private URI session(String what, HttpResponse<byte[]> r) {
        if (r.statusCode() != 202) {
            throw failure(what, r);
        }
        return location(what, r, null);
    }

    private URI location(String what, HttpResponse<byte[]> r, URI fallback) {
        var location = r.headers().firstValue("Location");
        if (location.isEmpty()) {
            if (fallback != null) {
                return fallback;
            }
            throw new RegistryException(what + ": registry gave no upload location", r.statusCode(), null);
        }
        return transport.base().resolve(location.get());
    }

    private static URI withDigest(URI location, Digest digest) {
        var s = location.toString();
        return URI.create(s + (location.getRawQuery() == null ? "?" : "&") + "digest=" + encode(digest.toString()));
    }

    private URI uri(String path) throws IOException {
        ensurePinged();
        return transport.base().resolve(path);
    }

    private void ensurePinged() throws IOException {
        if (pinged) {
            return;
        }
        synchronized (this) {
            if (pinged) {
                return;
            }
            if (pingRefused != null) {
                // Told to come back later: every thread waits for that moment, none asks before it.
                long left = pingRetryAt - System.nanoTime();
                if (left > 0) {
                    throw new RegistryException(pingRefused.getMessage(), pingRefused.status(), Duration.ofNanos(left));
                }
            }
            HttpResponse<byte[]> r;
            try {
                r = transport.ping();
            } catch (java.net.ConnectException e) {
                if (Transport.unresolved(e)) {
                    throw e;
                }
                // Nothing listens there, and trying again for seconds will not start a registry; one
                // that answered once and then refuses (a restart) is retried like any other failure.
                throw RegistryException.permanent(host + ": connection refused (is a registry listening there?)");
            }
            if (r.statusCode() == 401) {
                authenticator.learn(r);
            } else if (r.statusCode() != 200) {
                var refused = new RegistryException(host + ": not a registry, or not reachable as one (GET /v2/ answered "
                        + ErrorBody.describe(r.statusCode(), r.body()) + ")", r.statusCode(), retryAfter(r));
                if (refused.retryAfter() != null) {
                    pingRefused = refused;
                    pingRetryAt = System.nanoTime() + refused.retryAfter().toNanos();
                }
                throw refused;
            }
            pinged = true;
        }
    }

    private HttpResponse<byte[]> exchange(String method, URI uri, List<String> scopes, HttpRequest.BodyPublisher body,
                                          Map<String, String> headers) throws IOException {
        ensurePinged();
        for (int attempt = 0; ; attempt++) {
            var builder = HttpRequest.newBuilder(uri)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
            if (body == null || body.contentLength() >= 0 && body.contentLength() < 1 << 20) {
                builder.timeout(SMALL_REQUEST_TIMEOUT);
            }
            headers.forEach(builder::header);
            // Credentials go to the registry only, never to an upload location on another host.
            var auth = sameOrigin(uri, transport.base()) ? authenticator.header(scopes) : null;
            if (auth != null) {
                builder.header("Authorization", auth);
            }
            HttpResponse<byte[]> response;
            inFlight.acquireUninterruptibly();
            try {
                response = transport.send(builder, uri);
            } finally {
                inFlight.release();
            }
            if (response.statusCode() == 401 && attempt == 0 && authenticator.learn(response)) {
                authenticator.forget(scopes);
                continue;
            }
            return response;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private void expect(String what, HttpResponse<byte[]> r, int... codes) {
        for (int code : codes) {
            if (r.statusCode() == code) {
                return;
            }
        }
        throw failure(what, r);
    }

    private RegistryException failure(String what, HttpResponse<byte[]> r) {
        var description = ErrorBody.describe(r.statusCode(), r.body());
        if (r.statusCode() == 401 && description.startsWith("HTTP 401")) {
            description = "unauthorized: authentication required";
        }
        if (r.statusCode() == 401) {
            description += credentials.isAnonymous()
                    ? " (pass -u USER --password-stdin)"
                    : " (check the credentials from " + credentials.source() + ")";
        }
        return new RegistryException(what + ": " + description, r.statusCode(), retryAfter(r));
    }

    static Duration retryAfter(HttpResponse<?> r) {
        var value = r.headers().firstValue("Retry-After");
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.get().trim())));
        } catch (NumberFormatException e) {
            try {
                var when = ZonedDateTime.parse(value.get().trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                var d = Duration.between(ZonedDateTime.now(), when);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    private static List<String> push(String repository) {
        return List.of(pushScope(repository));
    }

    private static List<String> pull(String repository) {
        return List.of(pullScope(repository));
    }

    private static String pushScope(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    private static String pullScope(String repository) {
        return "repository:" + repository + ":pull";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        var m = new LinkedHashMap<String, Object>();
        m.put("host", host);
        m.put("insecure", options.insecure());
        return "RegistryClient" + m;
    }
}
