package dev.hoist.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Hands events to each listener on its own thread, in publication order, so a slow listener never
 * slows a transfer. {@link #close()} delivers what is queued and waits for it.
 */
final class EventBus implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private static final Object END = new Object();

    private record Lane(PushListener listener, BlockingQueue<Object> queue, Thread thread) {
    }

    private final List<Lane> lanes = new ArrayList<>();

    EventBus(List<PushListener> listeners) {
        for (var listener : listeners) {
            var queue = new LinkedBlockingQueue<Object>();
            var thread = new Thread(() -> drain(listener, queue), "hoist-events");
            thread.setDaemon(true);
            lanes.add(new Lane(listener, queue, thread));
            thread.start();
        }
    }

    private static void drain(PushListener listener, BlockingQueue<Object> queue) {
        while (true) {
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (next == END) {
                return;
            }
            try {
                listener.on((PushEvent) next);
            } catch (RuntimeException e) {
                log.warn("event listener failed: {}", e.toString());
                log.debug("event listener failure", e);
            }
        }
    }

    void publish(PushEvent event) {
        for (var lane : lanes) {
            lane.queue.add(event);
        }
    }

    @Override
    public void close() {
        for (var lane : lanes) {
            lane.queue.add(END);
        }
        for (var lane : lanes) {
            try {
                lane.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
