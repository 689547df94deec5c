// nightly.groovy: selects images by label and creation date, looks first with a dry run, and
// pushes only when the dry run shows less than a limit to send: a script deciding from a result.
//
//   hoist run examples/nightly.groovy -P archives='nightly/*.tar' -P maxBytes=500000000
//   hoist run examples/nightly.groovy -P label=channel=nightly -P since=2024-05-01

include 'common.groovy'

def limit = params.get('maxBytes', '1000000000') as long

def nightly = filter {
    label params.get('label', 'channel=nightly')
    createdAfter params.get('since', daysAgo(1))
    where { img -> img.size < 2.GB && img.platform == 'linux/amd64' }
}

plan 'nightly', {
    from archives(params.get('archives', 'nightly/*.tar'))
    select nightly
    to registry('mirror')
    stripPrefix 'nightly/'
    onExisting 'always'
}

def preview = dryRun 'nightly'
println "nightly: ${preview.pushed.size()} images, ${preview.bytesToSend} bytes to send (limit ${limit})"
if (preview.bytesToSend < limit) {
    def result = push 'nightly'
    println result.summary
} else {
    println "nightly: not pushed, more than ${limit} bytes to send"
}
