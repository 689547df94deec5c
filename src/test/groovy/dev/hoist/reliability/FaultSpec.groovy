package dev.hoist.reliability

import dev.hoist.support.FaultProxy
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry

class FaultSpec extends IntegrationSpec {

    Registry reg
    FaultProxy proxy

    def setup() {
        reg = registry()
        proxy = new FaultProxy(reg)
    }

    def cleanup() {
        proxy?.close()
    }

    File archive(String name, List<Map> content) {
        def file = new File(tmp, name)
        images().dockerArchive(file, content)
        file
    }

    def "a 16-image plan with 20% of requests failing at random: every image correct, retries counted"() {
        given:
        def plan = archive('sixteen.tar', (1..16).collect { n ->
            [tags: ["demo/svc${n}:1".toString()], layers: [['shared', 120_000], ["own${n}".toString(), 30_000]]]
        })
        def clean = hoist(['push', plan.path, '--to', "${reg.host}/expected".toString(), '--json', '-q'])
        assert clean.exit == 0
        System.setProperty('hoist.cache.dir', new File(tmp, 'cache-2').path)
        proxy.failRandomly(0.2, 42)

        when:
        def run = hoist(['push', plan.path, '--to', "${proxy.host}/ns".toString(), '--json', '-q', '--retries', '8'])

        then:
        run.exit == 0
        run.json.totals.pushed == 16
        run.json.totals.retries > 0
        proxy.seen.count { it.fault != null } > 0
        clean.json.images.every { image ->
            def repo = image.target.substring(reg.host.length() + 1).replace('expected/', 'ns/').split(':')[0]
            reg.manifestDigest(repo, '1') == image.digest
        }

        and: 'no blob was uploaded more often than its retries allow'
        def completed = proxy.seen.findAll { it.method == 'PUT' && it.path.contains('/blobs/uploads/') && it.status == 201 }
        def perBlob = completed.countBy { (it.path =~ /digest=([^&]+)/)[0][1] }
        perBlob.values().every { it <= 1 + run.json.totals.retries }
    }

    def "30% of requests failing at random, five seeds: every image correct, each failure retried where it happened"() {
        given: 'the 16-image plan pushed once through the proxy without faults, to count what a clean push asks'
        def plan = archive('sixteen.tar', (1..16).collect { n ->
            [tags: ["demo/svc${n}:1".toString()], layers: [['shared', 120_000], ["own${n}".toString(), 30_000]]]
        })
        System.clearProperty('hoist.cache.dir')
        def clean = hoist(['push', plan.path, '--to', "${proxy.host}/clean".toString(), '--json', '-q'],
                [HOIST_CACHE_DIR: new File(tmp, 'cache-clean').path])
        assert clean.exit == 0
        int cleanRequests = proxy.seen.size()

        when: 'five pushes with five seeds, each through a proxy of its own, at once (they mostly wait out backoffs)'
        def seeds = [11L, 12L, 13L, 14L, 15L]
        def proxies = seeds.collect { seed -> def p = new FaultProxy(reg); p.failRandomly(0.3, seed); p }
        def runs = [:].asSynchronized()
        def threads = seeds.withIndex().collect { long seed, int i ->
            Thread.start {
                runs[seed] = hoist(['push', plan.path, '--to', "${proxies[i].host}/s${seed}".toString(), '--json', '-q', '--retries', '8'],
                        [HOIST_CACHE_DIR: new File(tmp, "cache-${seed}").path])
            }
        }
        threads*.join()
        proxies*.close()

        then:
        seeds.withIndex().every { long seed, int i ->
            def run = runs[seed]
            def seen = proxies[i].seen
            int injected = seen.count { it.fault != null }
            assert run.exit == 0: "seed ${seed}: ${run}"
            assert run.json.totals.pushed == 16
            clean.json.images.each { image ->
                def repo = image.target.substring(proxy.host.length() + 1).replace('clean/', "s${seed}/").split(':')[0]
                assert reg.manifestDigest(repo, '1') == image.digest
            }
            // Each injected failure costs itself, at most one question (HEAD, or GET of the upload's offset)
            // and the request again; an upload (POST, PATCH, PUT) is never sent again whole for one failure.
            assert injected > 0
            assert seen.size() <= cleanRequests + 2 * injected: "seed ${seed}: ${seen.size()} requests, clean ${cleanRequests}, injected ${injected}"
            true
        }
    }

    def "429 with Retry-After: 2 makes hoist wait at least that long, without hammering"() {
        given:
        def image = archive('one.tar', [[tags: ['demo/app:1'], layers: [['l', 10_000]]]])
        def once = true
        proxy.rule = { FaultProxy.Seen s ->
            if (once && s.method == 'HEAD' && s.path.contains('/blobs/')) {
                once = false
                return 'retry-after:2'
            }
            null
        }

        when:
        def run = hoist(['push', image.path, "${proxy.host}/app:1".toString(), '-q', '--concurrency', '1'])

        then:
        run.exit == 0
        def limited = proxy.seen.find { it.fault == 'retry-after:2' }
        def next = proxy.seen.find { it.at > limited.at && it.path == limited.path }
        next.at - limited.at >= 2000
        proxy.seen.count { it.at > limited.at && it.at < limited.at + 1900 } == 0
    }

    def "a 429 to the very first /v2/ of a loopback registry proves plain HTTP: Retry-After is waited, no TLS probe"() {
        given:
        def image = archive('one.tar', [[tags: ['demo/app:1'], layers: [['l', 10_000]]]])
        def once = true
        proxy.rule = { FaultProxy.Seen s ->
            if (once && s.path == '/v2/') {
                once = false
                return 'retry-after:2'
            }
            null
        }

        when:
        def run = hoist(['push', image.path, "${proxy.host}/app:1".toString(), '-q', '-v'])

        then:
        run.exit == 0
        def limited = proxy.seen.find { it.fault == 'retry-after:2' }
        def next = proxy.seen[proxy.seen.indexOf(limited) + 1]
        next.path == '/v2/'
        next.at - limited.at >= 1900
        !run.err.contains('https://')
    }

    def "413 above 8 MiB: hoist switches to chunks below the limit and keeps them for the run"() {
        given:
        def image = archive('big.tar', [
                [tags: ['demo/big:1'], layers: [['big-a', 20_000_000]]],
                [tags: ['demo/big:2'], layers: [['big-b', 20_000_000]]]])
        proxy.bodyLimit = 8L << 20

        when:
        def run = hoist(['push', image.path, "${proxy.host}/big".toString(), '-q', '--concurrency', '1'])

        then:
        run.exit == 0
        reg.copyOut('big', '2', new File(tmp, 'readback')).exists()
        def refused = proxy.seen.findAll { it.fault == 'too-large' }
        refused.size() >= 1
        refused.size() <= 3
        def lastRefusal = refused*.at.max()
        proxy.seen.findAll { it.at > lastRefusal && it.method == 'PATCH' }.every { it.bodyBytes <= (8L << 20) }
    }

    def "the registry is killed and restarted mid-push: the push completes after retries"() {
        given:
        def image = archive('many.tar', (1..6).collect { n -> [tags: ["demo/app:${n}".toString()], layers: [["l${n}".toString(), 2_000_000]]] })
        def killed = false
        proxy.rule = { FaultProxy.Seen s ->
            if (!killed && s.method == 'PUT' && s.path.contains('/blobs/uploads/')) {
                killed = true
                reg.kill()
                Thread.start { Thread.sleep(2000); reg.start() }
            }
            null
        }

        when:
        def run = hoist(['push', image.path, "${proxy.host}/app".toString(), '--json', '-q', '--concurrency', '2'])

        then:
        killed
        run.exit == 0
        run.json.totals.pushed == 6
        run.json.totals.retries > 0
        (1..6).every { reg.hasTag('app', "${it}") }
    }

    def "Gitea's rules hold: chunks always carry Content-Range, tokens are asked with GET"() {
        given:
        def image = archive('one.tar', [[tags: ['giteaadmin/app:1'], layers: [['gitea', 300_000]]]])
        proxy.giteaRules = true

        when:
        def chunked = hoist(['push', image.path, "${proxy.host}/giteaadmin/app:1".toString(), '-q', '--chunk-size', '64KiB'])
        def streamed = hoist(['push', image.path, "${proxy.host}/giteaadmin/app:2".toString(), '-q'])

        then:
        chunked.exit == 0
        streamed.exit == 0
        proxy.seen.count { it.method == 'PATCH' } >= 3
        proxy.seen.findAll { it.method == 'PATCH' }.drop(1).every { it.contentRange != null || it.fault == null }
        !proxy.seen.any { it.fault == 'gitea-416' }
    }

    def "a stalled answer and a truncated one are waited out and retried"() {
        given:
        def image = archive('one.tar', [[tags: ['demo/app:1'], layers: [['l', 10_000]]]])
        def stalled = false
        def truncated = false
        proxy.rule = { FaultProxy.Seen s ->
            if (!truncated && s.method == 'GET' && s.path == '/v2/') {
                truncated = true
                return 'truncate'
            }
            if (!stalled && s.method == 'HEAD') {
                stalled = true
                return 'stall:3000'
            }
            null
        }

        when:
        def run = hoist(['push', image.path, "${proxy.host}/app:1".toString(), '-q'])

        then:
        run.exit == 0
        stalled
        truncated
        reg.hasTag('app', '1')
    }
}
