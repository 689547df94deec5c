package dev.hoist.jobs

import dev.hoist.credentials.CredentialStore
import dev.hoist.engine.BlobInfoCache
import dev.hoist.engine.JobSnapshot
import dev.hoist.engine.JobState
import dev.hoist.engine.Jobs
import dev.hoist.engine.PlanBuilder
import dev.hoist.engine.PushEngine
import dev.hoist.engine.Registries
import dev.hoist.registry.RegistryOptions
import dev.hoist.support.IntegrationSpec

import java.util.concurrent.CopyOnWriteArrayList

/** Jobs on the engine against a real registry: the live model, and the controls of a running job. */
class JobsSpec extends IntegrationSpec {

    Jobs jobs() {
        def options = RegistryOptions.defaults()
        new Jobs(new PushEngine(new Registries(CredentialStore.anonymous(), options), new BlobInfoCache(null)))
    }

    /** Samples a job's snapshot every 20 ms on a thread of its own until the job ends. */
    List<JobSnapshot> sample(def job) {
        def seen = new CopyOnWriteArrayList<JobSnapshot>()
        Thread.start {
            while (!job.state().finished()) {
                seen << job.snapshot()
                Thread.sleep(20)
            }
        }
        seen
    }

    def "a job's model adds up to the same figures as its PushResult"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'six.tar')
        images().dockerArchive(archive, (1..6).collect { n ->
            [tags: ["demo/svc${n}:1.0".toString()], layers: [['base', 300_000], ["own${n}".toString(), 50_000 * n]]]
        })
        def plan = new PlanBuilder().source(archive.path).to("${reg.host}/ns".toString()).concurrency(2).build()
        def jobs = jobs()

        when:
        def job = jobs.submit('six', plan)
        def samples = sample(job)
        def result = job.await()
        def end = job.snapshot()

        then:
        result.ok()
        end.state() == JobState.DONE
        end.ended() != null
        end.totals().images() == 6
        end.totals().done() == 6
        end.totals().pushed() == result.pushed()
        end.totals().upToDate() == result.upToDate()
        end.totals().failed() == 0
        end.totals().bytesSent() == result.bytesSent()
        end.totals().bytesToSend() == result.bytesSent()
        end.transfers().isEmpty()
        end.images().every { it.state() == 'pushed' && it.blobsDone() == it.blobsTotal() && it.blobsTotal() == 3 }
        end.images().collect { it.target().toString() } as Set == result.images().collect { it.target().toString() } as Set
        // Seen along the way: images only ever finish, and the figures stay within the plan.
        [samples, samples.drop(1)].transpose().every { a, b -> a.totals().done() <= b.totals().done() }
        samples.every { it.totals().images() in [0, 6] && it.totals().bytesSent() <= it.totals().bytesToSend() }

        when: 'the same plan again'
        def again = jobs.submit('again', plan).await()

        then:
        again.upToDate() == 6
        jobs.get(2).get().snapshot().totals().upToDate() == 6
        jobs.list()*.id() == [1, 2]
    }
}
