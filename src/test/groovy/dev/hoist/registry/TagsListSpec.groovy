package dev.hoist.registry

import dev.hoist.credentials.Credentials
import dev.hoist.support.IntegrationSpec
import dev.hoist.support.Registry

class TagsListSpec extends IntegrationSpec {

    def "tags lists every tag of a repository, following the registry's next links page by page"() {
        given:
        def reg = registry(Registry.Variant.TOKEN)
        def layout = images().randomLayout(new File(tmp, 'layout'), 3, 1000, true, 'app')
        assert hoist(['push', '-q', '-u', Registry.USER, '--password-stdin', "oci:${layout}".toString(),
                      "${reg.host}/demo/app".toString()], [:], Registry.PASSWORD + '\n').exit == 0
        def client = new RegistryClient(reg.host, Credentials.basic(Registry.USER, Registry.PASSWORD, 'test'),
                RegistryOptions.defaults(), null)

        expect: 'pages of one tag each, through token auth'
        def paged = client.tags('demo/app', 1)
        paged.size() == 3
        paged.toSorted() == ['1', '2', '3']
        client.tags('demo/app').toSorted() == ['1', '2', '3']

        and: 'a repository that does not exist has no tags'
        client.tags('demo/none') == []

        cleanup:
        client?.close()
    }
}
