// mirror.groovy: copies selected tags of an OCI layout to two registries, renamed, with an extra
// tag, and writes a digest file (one REF@DIGEST line per image, like skopeo's --digestfile).
// The newest 1.x of each repository goes to gitea as mirror/NAME:TAG and to the mirror as
// mirror/mirror/NAME:TAG, each also tagged 'mirrored'.
//
//   hoist run examples/mirror.groovy -P layout=build/oci -P range='>=1.0 <2'
//   hoist run examples/mirror.groovy --dry-run

include 'common.groovy'

def selected = filter {
    repository params.get('repositories', '**')
    exclude repository('**-debug')
    tag semver(params.get('range', '>=1.0 <2'))
    latest 1
}

plan 'mirror', {
    from layout(params.get('layout', 'build/oci'))
    select selected
    to registry('gitea'), registry('mirror')
    rename { img -> "mirror/${img.name}" }
    addTag 'mirrored'
    onExisting 'if-changed'
}

def result = push 'mirror'
if (!result.dryRun) {
    result.digestFile(params.get('digests', 'mirror.digests'))
}
println result.summary
