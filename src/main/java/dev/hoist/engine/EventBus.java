package dev.hoist.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hands events to each listener on its own thread, in publication order, so a slow listener never
 * slows a transfer; folds (the job's model) run on the publishing thread, they only add up figures.
 * Every listener's queue is bounded: when a listener falls behind, byte counts are dropped first,
 * then anything, so a listener that stops reading costs a bounded amount of memory.
 * {@link #close()} delivers what is queued to the listeners given at construction and waits for it.
 */
final class EventBus implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private static final Object END = new Object();
    static final int CAPACITY = 10_000;
    /** Beyond this backlog a listener gets no more byte counts: they would be stale when it got them. */
    static final int PROGRESS_BACKLOG = 256;

    private static final class Lane {
        final PushListener listener;
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY + 1);
        final boolean awaited;
        final AtomicLong dropped = new AtomicLong();
        /** Ended without delivering the rest: a viewer that stopped reading is told nothing more. */
        volatile boolean abandoned;
        Thread thread;

        Lane(PushListener listener, boolean awaited) {
            this.listener = listener;
            this.awaited = awaited;
        }
    }

    private final List<Lane> lanes = new CopyOnWriteArrayList<>();
    private final List<Consumer<PushEvent>> folds;

    EventBus(List<PushListener> listeners) {
        this(listeners, List.of());
    }

    EventBus(List<PushListener> listeners, List<Consumer<PushEvent>> folds) {
        this.folds = List.copyOf(folds);
        listeners.forEach(l -> start(new Lane(l, true)));
    }

    /** A listener that joins later (a viewer attaching): it gets what is published from now on; close does not wait for it. */
    void add(PushListener listener) {
        start(new Lane(listener, false));
    }

    void remove(PushListener listener) {
        for (var lane : lanes) {
            if (lane.listener == listener && lanes.remove(lane)) {
                lane.queue.clear();
                lane.queue.offer(END);
            }
        }
    }

    private void start(Lane lane) {
        lane.thread = new Thread(() -> drain(lane), "hoist-events");
        lane.thread.setDaemon(true);
        lanes.add(lane);
        lane.thread.start();
    }

    private static void drain(Lane lane) {
        while (true) {
            Object next;
            try {
                next = lane.queue.take();
            } catch (InterruptedException e) {
                return;
            }
            // Interrupting a listener stuck in its own code may let it return: it must not be handed the backlog.
            if (next == END || lane.abandoned) {
                return;
            }
            try {
                lane.listener.on((PushEvent) next);
            } catch (RuntimeException e) {
                log.warn("event listener failed: {}", e.toString());
                log.debug("event listener failure", e);
            }
        }
    }

    void publish(PushEvent event) {
        for (var fold : folds) {
            fold.accept(event);
        }
        for (var lane : lanes) {
            int backlog = lane.queue.size();
            boolean keep = backlog < CAPACITY && (backlog < PROGRESS_BACKLOG || !(event instanceof PushEvent.BlobProgress));
            if (!keep || !lane.queue.offer(event)) {
                if (lane.dropped.getAndIncrement() == 0 && !(event instanceof PushEvent.BlobProgress)) {
                    log.debug("an event listener fell {} events behind; dropping events for it", backlog);
                }
            }
        }
    }

    @Override
    public void close() {
        for (var lane : lanes) {
            if (lane.awaited) {
                try {
                    lane.queue.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else if (!lane.queue.offer(END)) {
                lane.abandoned = true;
                lane.thread.interrupt();
            }
        }
        for (var lane : lanes) {
            if (!lane.awaited) {
                continue;
            }
            try {
                lane.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        lanes.clear();
    }
}
