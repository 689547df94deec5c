// release.groovy: builds a directory into an image (Jib, reproducible: same inputs, same digest)
// and pushes it with semantic-version tags computed here: 1.2.3 is also pushed as 1.2 and 1.
// Full versions never change once pushed (immutable): a re-run does not even read them.
//
//   hoist run examples/release.groovy -P version=1.2.3
//   hoist run examples/release.groovy -P version=1.2.4 -P site=path/to/site

include 'common.groovy'

def version = params.get('version', '1.0.0')
def parts = version.tokenize('.')
if (parts.size() != 3 || !parts.every { it.isInteger() }) {
    throw new IllegalArgumentException("version '${version}' is not MAJOR.MINOR.PATCH")
}
def (major, minor) = parts

plan 'release', {
    from build(params.get('site', 'static-site')) {
        tag "demo/site:${version}"
        label 'org.opencontainers.image.version', version
        dest '/srv/site'
    }
    to registry('gitea')
    addTag "${major}.${minor}", major
    immutable(/^\d+\.\d+\.\d+$/)
    failFast true
}

def result = push 'release'
println "released ${version} as ${result.pushed*.target.join(', ')}"
