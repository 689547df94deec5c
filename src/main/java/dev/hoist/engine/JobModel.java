package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageRef;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's live figures, folded from its events as they are published: per image, per transfer
 * under way, per registry, and totals with rate and ETA. Progress is aggregated, never queued, so
 * memory stays bounded by the plan's size however long the run and however many viewers; a viewer
 * takes a {@link JobSnapshot} on its own clock.
 *
 * <p>Bytes of the ETA are counted as transfers count them (bytes read at the source: uncompressed
 * for layers hoist compresses). Skipped and mounted blobs leave the remaining work; blobs not yet
 * looked at are expected to need sending in the share seen so far.
 */
final class JobModel {

    static final int LOG_ENTRIES = 200;
    static final int HISTORY_SECONDS = 300;
    private static final int RATE_WINDOW_SECONDS = 5;

    private static final class ImageState {
        final String source;
        final ImageRef target;
        String state = "queued";
        long sentDone;
        long bytesToSend;
        int blobsDone;
        int blobsTotal;
        int retries;
        String error;

        ImageState(String source, ImageRef target) {
            this.source = source;
            this.target = target;
        }
    }

    private static final class Transfer {
        final int worker;
        final ImageRef target;
        final Digest blob;
        final long size;
        final String working;
        long started = System.nanoTime();
        long bytes;
        String state;
        Instant nextAttempt;

        Transfer(int worker, ImageRef target, Digest blob, long size, String state) {
            this.worker = worker;
            this.target = target;
            this.blob = blob;
            this.size = size;
            this.working = state;
            this.state = state;
        }
    }

    private static final class RegistryState {
        int status429;
        int status5xx;
        long backoffUntil;
    }

    private final long startNanos = System.nanoTime();
    private final Map<ImageRef, ImageState> images = new LinkedHashMap<>();
    private final Map<String, Transfer> transfers = new LinkedHashMap<>();
    private final Map<String, RegistryState> registries = new TreeMap<>();
    private final ArrayDeque<JobSnapshot.LogEntry> log = new ArrayDeque<>();
    private final long[] history = new long[HISTORY_SECONDS];
    private long historySecond;
    private long planBytes;
    private long resolvedBytes;
    private long readDone;
    private long sentDone;
    private long progressed;
    private long compressedRead;
    private long compressedSent;
    /** Failures noted in the log this attempt: one that stopped many images (a registry that never answered) is noted once. */
    private final java.util.Set<String> notedErrors = new java.util.HashSet<>();
    private int blobsPresent;
    private int blobsMounted;
    private boolean planDone;

    synchronized void on(PushEvent event) {
        long now = System.nanoTime();
        advance(now);
        if (event instanceof PushEvent.PlanStarted e) {
            // A retry of the failures adds their blobs to what is left; what was resolved stays resolved.
            planBytes = resolvedBytes + e.bytes();
            planDone = false;
            notedErrors.clear();
        } else if (event instanceof PushEvent.ImageQueued e) {
            var image = images.computeIfAbsent(e.target(), t -> new ImageState(e.source(), t));
            if (!e.target().registry().startsWith("oci:")) {
                // A row per registry from the start: a finished job still shows what each one answered.
                registries.computeIfAbsent(e.target().registry(), k -> new RegistryState());
            }
            image.state = "queued";
            image.error = null;
        } else if (event instanceof PushEvent.BlobQueued e) {
            image(e.target()).ifPresent(i -> {
                i.blobsTotal++;
                i.bytesToSend += Math.max(0, e.size());
            });
        } else if (event instanceof PushEvent.BlobStarted e) {
            start(new Transfer(e.worker(), e.target(), e.blob(), e.size(), e.compressing() ? "compressing" : "uploading"));
        } else if (event instanceof PushEvent.MountStarted e) {
            start(new Transfer(e.worker(), e.target(), e.blob(), e.size(), "mounting"));
        } else if (event instanceof PushEvent.BlobWaiting e) {
            start(new Transfer(e.worker(), e.target(), e.blob(), e.size(), "waiting"));
        } else if (event instanceof PushEvent.BlobProgress e) {
            var t = transfers.get(key(e.target(), e.blob()));
            if (t != null) {
                // A smaller count than before is a new attempt reading from the start.
                progress(now, e.bytes() >= t.bytes ? e.bytes() - t.bytes : e.bytes());
                t.bytes = e.bytes();
                if (t.nextAttempt != null) {
                    t.state = t.working;
                    t.nextAttempt = null;
                }
            }
        } else if (event instanceof PushEvent.BlobDone e) {
            var t = transfers.remove(key(e.target(), e.source()));
            progress(now, Math.max(0, e.bytesRead() - (t != null ? t.bytes : 0)));
            resolvedBytes += e.bytesRead();
            readDone += e.bytesRead();
            sentDone += e.bytesSent();
            if (!e.source().equals(e.pushed().digest())) {
                compressedRead += e.bytesRead();
                compressedSent += e.bytesSent();
            }
            image(e.target()).ifPresent(i -> {
                i.sentDone += e.bytesSent();
                i.blobsDone++;
            });
        } else if (event instanceof PushEvent.BlobSkipped e) {
            blobsPresent++;
            resolved(e.target(), e.blob(), e.blob(), e.size());
        } else if (event instanceof PushEvent.BlobMounted e) {
            blobsMounted++;
            resolved(e.target(), e.blob(), e.source(), e.size());
        } else if (event instanceof PushEvent.WouldPush e) {
            image(e.target()).ifPresent(i -> i.blobsDone++);
        } else if (event instanceof PushEvent.Retrying e) {
            retrying(now, e);
        } else if (event instanceof PushEvent.ImageDone e) {
            var r = e.result();
            ended(r.target()).ifPresent(i -> i.state = r.digest() == null ? "would push" : r.upToDate() ? "up to date" : "pushed");
        } else if (event instanceof PushEvent.ImageFailed e) {
            var r = e.result();
            boolean cancelled = r.errorKind() == HoistException.Kind.CANCELLED;
            ended(r.target()).ifPresent(i -> {
                i.state = cancelled ? "cancelled" : "failed";
                i.error = r.error();
            });
            if (!cancelled && notedErrors.add(r.error())) {
                note(Instant.now(), "error", r.target() + ": " + r.error());
            }
        } else if (event instanceof PushEvent.PlanDone) {
            transfers.clear();
            planDone = true;
        }
    }

    private java.util.Optional<ImageState> image(ImageRef target) {
        return java.util.Optional.ofNullable(images.get(target));
    }

    private void start(Transfer t) {
        transfers.put(key(t.target, t.blob), t);
        image(t.target).ifPresent(i -> i.state = "pushing");
    }

    private java.util.Optional<ImageState> ended(ImageRef target) {
        transfers.values().removeIf(t -> t.target.equals(target));
        return image(target);
    }

    private void resolved(ImageRef target, Digest blob, Digest source, long size) {
        transfers.remove(key(target, blob));
        transfers.remove(key(target, source));
        resolvedBytes += Math.max(0, size);
        image(target).ifPresent(i -> {
            i.blobsDone++;
            i.bytesToSend = Math.max(0, i.bytesToSend - Math.max(0, size));
        });
    }

    private void retrying(long now, PushEvent.Retrying e) {
        var at = Instant.now();
        if (e.registry() != null) {
            var r = registries.computeIfAbsent(e.registry(), k -> new RegistryState());
            if (e.status() == 429) {
                r.status429++;
            } else if (e.status() >= 500) {
                r.status5xx++;
            }
            r.backoffUntil = Math.max(r.backoffUntil, now + e.delay().toNanos());
        }
        if (e.target() != null) {
            image(e.target()).ifPresent(i -> i.retries++);
            if (e.blob() != null) {
                var t = transfers.get(key(e.target(), e.blob()));
                if (t != null) {
                    t.state = "retrying";
                    t.nextAttempt = at.plus(e.delay());
                }
            }
        }
        note(at, "warn", String.format(java.util.Locale.ROOT, "retrying in %.1f s (attempt %d): %s",
                e.delay().toMillis() / 1000.0, e.attempt() + 1, e.reason()));
    }

    /** A line for the log: failures, retries, warnings, and what viewers did to the job. */
    synchronized void note(Instant at, String level, String message) {
        if (log.size() == LOG_ENTRIES) {
            log.removeFirst();
        }
        log.addLast(new JobSnapshot.LogEntry(at, level, message));
    }

    private static String key(ImageRef target, Digest blob) {
        return target + "|" + blob;
    }

    /** Moves the per-second history on to the current second, zeroing seconds in which nothing moved. */
    private void advance(long now) {
        long second = (now - startNanos) / 1_000_000_000L;
        if (second - historySecond >= HISTORY_SECONDS) {
            java.util.Arrays.fill(history, 0);
            historySecond = second;
        }
        while (historySecond < second) {
            historySecond++;
            history[(int) (historySecond % HISTORY_SECONDS)] = 0;
        }
    }

    private void progress(long now, long bytes) {
        history[(int) (historySecond % HISTORY_SECONDS)] += bytes;
        progressed += bytes;
    }

    synchronized JobSnapshot snapshot(int id, String name, JobState state, Instant started, Instant ended,
                                      int concurrency, long rateLimit) {
        long now = System.nanoTime();
        advance(now);
        double elapsed = Math.max((now - startNanos) / 1e9, 1e-3);
        int pushed = 0;
        int upToDate = 0;
        int failed = 0;
        var inFlightByImage = new HashMap<ImageRef, Long>();
        // A layer being compressed counts what it has read; what went out is that times the ratio seen so far.
        double ratio = compressedRead > 0 ? (double) compressedSent / compressedRead : 1.0;
        long inFlightSent = 0;
        long inFlightBytes = 0;
        long inFlightSizes = 0;
        var rows = new ArrayList<JobSnapshot.TransferRow>(transfers.size());
        var inFlightByRegistry = new HashMap<String, Integer>();
        for (var t : transfers.values()) {
            long sent = t.working.equals("compressing") ? (long) (t.bytes * ratio) : t.bytes;
            inFlightBytes += t.bytes;
            inFlightSent += sent;
            inFlightSizes += Math.max(t.size, t.bytes);
            inFlightByImage.merge(t.target, sent, Long::sum);
            if (!t.state.equals("waiting")) {
                inFlightByRegistry.merge(t.target.registry(), 1, Integer::sum);
            }
            double seconds = Math.max((now - t.started) / 1e9, 1e-3);
            rows.add(new JobSnapshot.TransferRow(t.worker, t.target, t.blob, t.size, t.bytes, t.bytes / seconds,
                    t.state, t.nextAttempt));
        }
        rows.sort(java.util.Comparator.comparingInt(JobSnapshot.TransferRow::worker));
        var imageRows = new ArrayList<JobSnapshot.ImageRow>(images.size());
        for (var i : images.values()) {
            switch (i.state) {
                case "pushed", "would push" -> pushed++;
                case "up to date" -> upToDate++;
                case "failed", "cancelled" -> failed++;
                default -> { }
            }
            long sent = i.sentDone + inFlightByImage.getOrDefault(i.target, 0L);
            imageRows.add(new JobSnapshot.ImageRow(i.source, i.target, i.state, sent, Math.max(sent, i.bytesToSend),
                    i.blobsDone, i.blobsTotal, i.retries, i.error));
        }
        var registryRows = new ArrayList<JobSnapshot.RegistryRow>();
        var names = new java.util.TreeSet<>(registries.keySet());
        names.addAll(inFlightByRegistry.keySet());
        for (var r : names) {
            var s = registries.get(r);
            long backoff = s == null ? 0 : Math.max(0, s.backoffUntil - now);
            registryRows.add(new JobSnapshot.RegistryRow(r, inFlightByRegistry.getOrDefault(r, 0),
                    s == null ? 0 : s.status429, s == null ? 0 : s.status5xx, Duration.ofNanos(backoff)));
        }
        // What is left to send: in flight, plus blobs not looked at yet in the share that had to be sent so far.
        long unresolved = planDone ? 0 : Math.max(0, planBytes - resolvedBytes - inFlightSizes);
        double share = resolvedBytes > 0 ? (double) readDone / resolvedBytes : 1.0;
        long estimate = (long) (unresolved * share);
        long remaining = Math.max(0, inFlightSizes - inFlightBytes) + estimate;
        double rateNow = rateNow(now, elapsed);
        double rateAvg = progressed / elapsed;
        double rate = rateNow > 0 ? rateNow : rateAvg;
        Duration eta = planDone || state.finished() ? Duration.ZERO
                : rate > 0 ? Duration.ofMillis((long) (remaining / rate * 1000)) : null;
        long sent = sentDone + inFlightSent;
        var totals = new JobSnapshot.Totals(images.size(), pushed + upToDate + failed, pushed, upToDate, failed,
                sent + remaining, sent, rateNow, rateAvg, eta, blobsPresent, blobsMounted);
        return new JobSnapshot(id, name, state, started, ended, concurrency, rateLimit, totals, imageRows, rows,
                registryRows, new ArrayList<>(log), history(planDone || state.finished()));
    }

    /** Bytes per second over the last few whole seconds and the part of the current one. */
    private double rateNow(long now, double elapsed) {
        double partial = ((now - startNanos) % 1_000_000_000L) / 1e9;
        long bytes = history[(int) (historySecond % HISTORY_SECONDS)];
        int whole = (int) Math.min(RATE_WINDOW_SECONDS, historySecond);
        for (int s = 1; s <= whole; s++) {
            bytes += history[(int) ((historySecond - s) % HISTORY_SECONDS)];
        }
        return bytes / Math.min(elapsed, whole + partial + 1e-3);
    }

    /** Whole seconds while the job runs; once it has ended, its last part-second too, so the history adds up. */
    private List<Long> history(boolean ended) {
        int seconds = (int) Math.min(HISTORY_SECONDS - 1, historySecond);
        var out = new ArrayList<Long>(seconds + 1);
        for (long s = historySecond - seconds; s < historySecond; s++) {
            out.add(history[(int) (s % HISTORY_SECONDS)]);
        }
        if (ended) {
            out.add(history[(int) (historySecond % HISTORY_SECONDS)]);
        }
        return out;
    }
}
