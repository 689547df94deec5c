package dev.hoist.reliability

import dev.hoist.credentials.CredentialStore
import dev.hoist.engine.BlobInfoCache
import dev.hoist.engine.CancelToken
import dev.hoist.engine.PlanBuilder
import dev.hoist.engine.PushEngine
import dev.hoist.engine.Registries
import dev.hoist.registry.RegistryOptions
import dev.hoist.support.IntegrationSpec

import java.time.Duration

class LoadSpec extends IntegrationSpec {

    static Set<String> hoistThreads() {
        Thread.allStackTraces.keySet().findAll { it.alive && (it.name.startsWith('hoist-') || it.name.startsWith('HttpClient-')) }*.name as Set
    }

    def "200 small images at concurrency 16: all pushed, threads back to where they were"() {
        given:
        def reg = registry()
        def archive = new File(tmp, 'many.tar')
        images().dockerArchive(archive, (1..200).collect { n ->
            [tags: ["load/img${n}:1".toString()], layers: [['load-base', 20_000], ["load-${n}".toString(), 2_000]]]
        })
        System.gc()
        Thread.sleep(500)
        def before = hoistThreads()
        def plan = new PlanBuilder().source(archive.path).to("${reg.host}/ns".toString()).concurrency(16).build()
        def options = new RegistryOptions(false, null, 5, 0, Duration.ofSeconds(30), 16, null, null, null, null)

        when:
        def registries = new Registries(CredentialStore.anonymous(), options)
        def result = new PushEngine(registries, new BlobInfoCache(null)).run(plan, [], new CancelToken())
        registries.close()
        registries = null
        def deadline = System.currentTimeMillis() + 20_000
        while (!(hoistThreads() - before).isEmpty() && System.currentTimeMillis() < deadline) {
            System.gc()
            Thread.sleep(200)
        }

        then:
        result.ok()
        result.images().size() == 200
        result.pushed() == 200
        reg.hasTag('ns/load/img200', '1')
        (hoistThreads() - before).isEmpty()
    }
}
