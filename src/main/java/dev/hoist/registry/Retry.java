package dev.hoist.registry;

import dev.hoist.HoistException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tries an operation again after transient failures (no answer, 408, 429, 5xx) with exponential
 * backoff and jitter, honouring {@code Retry-After}. Input errors and other answers fail at once.
 */
public final class Retry {

    /** Told before each new attempt; asked during the wait before it whether to give up instead. */
    @FunctionalInterface
    public interface Listener {
        void retrying(int attempt, Duration delay, String reason);

        /** The same, with the failure itself: its HTTP status and the Retry-After the registry asked for. */
        default void retrying(int attempt, Duration delay, RegistryException failure) {
            retrying(attempt, delay, failure.getMessage());
        }

        /** True once the work was cancelled (Ctrl-C): the wait ends at once. */
        default boolean stopped() {
            return false;
        }
    }

    @FunctionalInterface
    public interface Operation<T> {
        T run() throws IOException;
    }

    /** An operation told which attempt this is (0 first), so a retry can first ask where the failed one left off. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt) throws IOException;
    }

    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(15);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(120);

    private final int retries;

    public Retry(int retries) {
        this.retries = Math.max(0, retries);
    }

    int retries() {
        return retries;
    }

    public <T> T run(String what, Listener listener, Operation<T> operation) {
        return runAttempts(what, listener, attempt -> operation.run());
    }

    public <T> T runAttempts(String what, Listener listener, Attempt<T> operation) {
        for (int attempt = 0; ; attempt++) {
            RuntimeException failure;
            try {
                return operation.run(attempt);
            } catch (IOException e) {
                var hoist = HoistException.find(e);
                if (hoist != null) {
                    throw hoist;
                }
                failure = Transport.unreachable(what, e);
            } catch (RegistryException e) {
                failure = e;
            }
            var re = (RegistryException) failure;
            if (!re.transientFailure() || attempt >= retries || isPermanent(re)) {
                throw re;
            }
            var delay = delay(attempt, re.retryAfter());
            if (listener != null) {
                listener.retrying(attempt + 1, delay, re);
            }
            sleep(delay, listener);
        }
    }

    /** A host that does not resolve, or a certificate not trusted, will not be fixed a second later. */
    private static boolean isPermanent(RegistryException e) {
        return e.getCause() instanceof UnknownHostException || e.getCause() instanceof javax.net.ssl.SSLException;
    }

    static Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        }
        long base = Math.min(MAX.toMillis(), BASE.toMillis() << Math.min(attempt, 10));
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (base * jitter));
    }

    /** Waits in short steps, so a cancel ends a long Retry-After at once without interrupting anyone. */
    private static void sleep(Duration delay, Listener listener) {
        long end = System.nanoTime() + delay.toNanos();
        try {
            for (long left = delay.toNanos(); left > 0; left = end - System.nanoTime()) {
                if (listener != null && listener.stopped()) {
                    throw new HoistException("cancelled", HoistException.Kind.CANCELLED);
                }
                Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoistException("interrupted", HoistException.Kind.CANCELLED, e);
        }
    }

    static boolean isConnectionProblem(IOException e) {
        return e instanceof ConnectException || e instanceof HttpTimeoutException || e instanceof UnknownHostException;
    }
}
