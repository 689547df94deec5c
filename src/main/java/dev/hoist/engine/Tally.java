package dev.hoist.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters for one image: its blob transfers add to them, its result reads them. */
final class Tally {
    final AtomicInteger uploaded = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicInteger mounted = new AtomicInteger();
    final AtomicLong read = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
}
