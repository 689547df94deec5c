package dev.hoist.engine

import dev.hoist.image.ImageRef
import spock.lang.Specification

import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference

class EventBusSpec extends Specification {

    def "a viewer that stopped reading is cut off when the bus closes: it is handed nothing of its backlog"() {
        given: 'a viewer stuck in its first event, which returns when interrupted'
        def bus = new EventBus([])
        def got = new AtomicInteger()
        def lane = new AtomicReference<Thread>()
        def first = new CountDownLatch(1)
        def never = new CountDownLatch(1)
        bus.add({ PushEvent e ->
            got.incrementAndGet()
            lane.set(Thread.currentThread())
            first.countDown()
            try {
                never.await()
            } catch (InterruptedException ignored) {
                // Told to stop: return.
            }
        } as PushListener)
        def target = ImageRef.parse('127.0.0.1:5000/app:1')

        when: 'its queue full to the last place (publishers racing past the bound fill it so), then the end of the run'
        bus.publish(new PushEvent.ImageQueued('a', target))
        first.await()
        (1..EventBus.CAPACITY + 10).each { bus.publish(new PushEvent.ImageQueued('a', target)) }
        def queue = bus.@lanes[0].queue
        while (queue.remainingCapacity() > 0) {
            queue.offer(new PushEvent.ImageQueued('a', target))
        }
        bus.close()
        lane.get().join(10_000)

        then: 'its thread ended after the one event it was in'
        !lane.get().alive
        got.get() == 1

        cleanup:
        never.countDown()
    }
}
