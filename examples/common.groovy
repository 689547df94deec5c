// common.groovy: the registries the other examples push to, defined once and included with
//   include 'common.groovy'
// Hosts and files come from -P so the same scripts run against idpbuilder, a CI registry or the
// test suite's registries:
//   -P gitea=HOST:PORT        idpbuilder's Gitea (default gitea.cnoe.localtest.me:8443)
//   -P giteaCa=FILE           its CA certificate (default gitea-ca.crt next to this file; get it with
//                             openssl s_client -connect gitea.cnoe.localtest.me:8443 -showcerts)
//   -P mirror=URL             a plain-HTTP mirror (default http://127.0.0.1:5000)

registry 'gitea', {
    host params.get('gitea', 'gitea.cnoe.localtest.me:8443')
    namespace params.get('namespace', 'giteaadmin')
    // $GITEA_USERNAME/$GITEA_PASSWORD when set, else the secret idpbuilder keeps for Gitea.
    credentials env('GITEA_USERNAME', 'GITEA_PASSWORD'), idpbuilder()
    caCert params.get('giteaCa', 'gitea-ca.crt')
    maxRequests 8
    chunkSize 8.MiB          // idpbuilder's ingress refuses large request bodies
    retries 5
}

registry 'mirror', {
    url params.get('mirror', 'http://127.0.0.1:5000')
    namespace 'mirror'
}
