package dev.hoist.shell

import spock.lang.Specification

import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger

/** Tab's lookups against a source that hangs: one lookup per key at a time, however long it hangs. */
class LookupsSpec extends Specification {

    def pool = Executors.newCachedThreadPool()

    def cleanup() {
        pool.shutdownNow()
    }

    def "a lookup still running is not started again beside itself once its keep time is over; after it ends, it is"() {
        given: 'a source that hangs until released'
        def lookups = new Lookups<String>(pool, Duration.ofMillis(50), { false })
        def started = new AtomicInteger()
        def release = new CountDownLatch(1)
        def hanging = { started.incrementAndGet(); release.await(); ['a:1'] }

        when: 'Tabs long after the keep time, while the first lookup hangs'
        def first = lookups.get('daemon', hanging, Duration.ofMillis(20))
        Thread.sleep(120)
        def second = lookups.get('daemon', hanging, Duration.ofMillis(20))
        Thread.sleep(120)
        def third = lookups.get('daemon', hanging, Duration.ofMillis(20))

        then: 'nothing offered, one lookup running (each Tab used to start one more, each holding a thread)'
        [first, second, third] == [[], [], []]
        started.get() == 1

        when: 'it ends, and the keep time passes'
        release.countDown()
        Thread.sleep(120)
        def fourth = lookups.get('daemon', { started.incrementAndGet(); ['b:2'] }, Duration.ofSeconds(2))

        then: 'the next Tab looks up again'
        fourth == ['b:2']
        started.get() == 2
    }
}
