package dev.hoist.dashboard

import dev.hoist.engine.JobSnapshot
import dev.hoist.engine.JobState
import dev.hoist.engine.JobView
import dev.hoist.image.Digest
import dev.hoist.image.ImageRef

import java.time.Duration
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList

/**
 * A job's view whose snapshot the spec sets, and which records the controls the keys call and
 * applies them to the snapshot as the engine would (paused, workers, limit), so the screen can show them.
 */
class RecordingJob implements JobView {

    volatile JobSnapshot current
    final List<String> calls = new CopyOnWriteArrayList<>()

    RecordingJob(JobSnapshot snapshot) {
        current = snapshot
    }

    @Override
    JobSnapshot snapshot() { current }

    @Override
    void pause() { calls << 'pause'; with(state: JobState.PAUSED) }

    @Override
    void resume() { calls << 'resume'; with(state: JobState.RUNNING) }

    @Override
    void concurrency(int n) { calls << "concurrency ${n}".toString(); with(concurrency: n) }

    @Override
    void rateLimit(long bytesPerSecond) { calls << "rateLimit ${bytesPerSecond}".toString(); with(rateLimit: bytesPerSecond) }

    @Override
    void retryFailed() { calls << 'retryFailed' }

    @Override
    void cancel() { calls << 'cancel' }

    void with(Map changes) {
        def s = current
        def values = [id: s.id(), name: s.name(), state: s.state(), started: s.started(), ended: s.ended(),
                      concurrency: s.concurrency(), rateLimit: s.rateLimit(), totals: s.totals(), images: s.images(),
                      transfers: s.transfers(), registries: s.registries(), log: s.log(), rateHistory: s.rateHistory()] + changes
        current = new JobSnapshot(values.id as int, values.name as String, values.state as JobState, values.started as Instant,
                values.ended as Instant, values.concurrency as int, values.rateLimit as long, values.totals as JobSnapshot.Totals,
                values.images as List, values.transfers as List, values.registries as List, values.log as List,
                values.rateHistory as List)
    }

    static Digest digest(String seed) {
        Digest.sha256(seed.getBytes('UTF-8'))
    }

    /**
     * A push of 200 images half way: 4 workers busy, 3 images failed, one registry with a few 5xx,
     * five minutes of throughput.
     */
    static JobSnapshot midway(String registry = '127.0.0.1:5000') {
        def started = Instant.now().minusSeconds(125)
        def images = []
        200.times { i ->
            def target = ImageRef.parse("${registry}/team/app-${i}:1.0")
            if (i < 90) {
                images << new JobSnapshot.ImageRow("app-${i}.tar", target, 'pushed', 5_000_000, 5_000_000, 3, 3, 0, null)
            } else if (i < 97) {
                images << new JobSnapshot.ImageRow("app-${i}.tar", target, 'up to date', 0, 0, 3, 3, 0, null)
            } else if (i < 100) {
                images << new JobSnapshot.ImageRow("app-${i}.tar", target, 'failed', 1_000_000, 5_000_000, 1, 3, 5,
                        "${registry}/team/app-${i}: PUT blob: 503 Service Unavailable after 5 retries".toString())
            } else if (i < 104) {
                images << new JobSnapshot.ImageRow("app-${i}.tar", target, 'pushing', 2_000_000, 5_000_000, 1, 3, i == 101 ? 2 : 0, null)
            } else {
                images << new JobSnapshot.ImageRow("app-${i}.tar", target, 'queued', 0, 5_000_000, 0, 3, 0, null)
            }
        }
        def transfers = (0..<4).collect { w ->
            new JobSnapshot.TransferRow(w + 1, ImageRef.parse("${registry}/team/app-${100 + w}:1.0"), digest("blob-${w}"),
                    4_000_000, 1_000_000 * (w + 1), 2_500_000, w == 1 ? 'retrying' : 'uploading',
                    w == 1 ? Instant.now().plusSeconds(3) : null)
        }
        def totals = new JobSnapshot.Totals(200, 100, 90, 7, 3, 1_000_000_000, 452_000_000, 12_300_000, 3_600_000,
                Duration.ofSeconds(252), 40, 12)
        def registries = [new JobSnapshot.RegistryRow(registry, 4, 0, 2, Duration.ofMillis(1500))]
        def log = [new JobSnapshot.LogEntry(started.plusSeconds(10), 'WARN', "${registry}/team/app-97: retry 1 after 503".toString()),
                   new JobSnapshot.LogEntry(started.plusSeconds(20), 'ERROR', "${registry}/team/app-97: PUT blob: 503 Service Unavailable after 5 retries".toString())]
        def history = (0..<300).collect { s -> (long) (s % 60 * 200_000) }
        new JobSnapshot(7, 'push app-*.tar', JobState.RUNNING, started, null, 4, 0, totals, images, transfers,
                registries, log, history)
    }
}
