package dev.hoist.shell;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * What Tab reads from a disk or a registry, by key, kept a while: each lookup runs on a thread of
 * its own and is waited for a bounded time, counted from the first Tab that asked for it. A lookup
 * that is late offers nothing now and serves the next Tab when it ends; a Tab after one that
 * waited in vain does not wait again. A lookup still running is never started again beside
 * itself, however old: a source that hangs (a daemon that accepts and never answers) holds one
 * thread, not one per Tab. Bounded in size, for a shell that runs for days.
 *
 * @param <T> what a lookup finds
 */
final class Lookups<T> {

    private static final int MAX_KEPT = 64;

    private record Entry<T>(long at, CompletableFuture<List<T>> found) {
    }

    private final Map<String, Entry<T>> kept = new ConcurrentHashMap<>();
    private final Executor executor;
    private final Duration keep;
    private final Predicate<Throwable> forget;

    /**
     * @param keep   how long an answer is used before it is looked up again
     * @param forget failures not to keep (asked again at the next Tab), e.g. a registry's refusal
     */
    Lookups(Executor executor, Duration keep, Predicate<Throwable> forget) {
        this.executor = executor;
        this.keep = keep;
        this.forget = forget;
    }

    /** What {@code lookup} finds for {@code key}, or nothing when it failed or is not done in time. */
    List<T> get(String key, Callable<List<T>> lookup, Duration wait) {
        long now = System.nanoTime();
        if (kept.size() > MAX_KEPT) {
            kept.values().removeIf(e -> now - e.at() > keep.toNanos() && e.found().isDone());
        }
        var asked = new boolean[1];
        var entry = kept.compute(key, (k, old) -> {
            if (old != null && (now - old.at() < keep.toNanos() || !old.found().isDone())) {
                return old;
            }
            asked[0] = true;
            return new Entry<>(now, CompletableFuture.supplyAsync(() -> {
                try {
                    return List.copyOf(lookup.call());
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, executor));
        });
        if (asked[0]) {
            entry.found().whenComplete((found, failure) -> {
                if (failure != null && forget.test(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure)) {
                    kept.remove(key, entry);
                }
            });
        }
        try {
            return entry.found().get(Math.max(0, entry.at() + wait.toNanos() - now), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
