package dev.hoist.support

/** Waiting for what should happen, with a deadline instead of a fixed sleep. */
class Poll {

    static void waitFor(String what, long millis = 30_000, Closure<Boolean> condition) {
        long deadline = System.currentTimeMillis() + millis
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for: ${what}".toString())
            }
            Thread.sleep(20)
        }
    }
}
