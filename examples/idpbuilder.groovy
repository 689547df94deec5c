// idpbuilder.groovy: pushes docker-save archives to idpbuilder's Gitea, the pattern of the README,
// as a script: Gitea's CA trusted (no --insecure), images under giteaadmin/, credentials from
// $GITEA_USERNAME/$GITEA_PASSWORD or idpbuilder's secret (see common.groovy).
//
//   hoist run examples/idpbuilder.groovy -P archives='images/*.tar'
//   hoist run examples/idpbuilder.groovy -P gitea=gitea.example.com:8443 -P giteaCa=ca.pem

include 'common.groovy'

plan 'idpbuilder', {
    from archives(params.get('archives', '*.tar'))
    to registry('gitea')
    concurrency 4
}

def result = push 'idpbuilder'
result.pushed.each { println "pushed ${it.target}@${it.digest}" }
result.failed.each { println "failed ${it.target}: ${it.error}" }
