package dev.hoist.source

import dev.hoist.image.CompressedLayer
import dev.hoist.image.Image
import dev.hoist.image.InvalidImageException
import dev.hoist.support.Images
import dev.hoist.support.Proc
import spock.lang.Specification
import spock.lang.TempDir

class SourcesSpec extends Specification {

    @TempDir
    File tmp

    Images images() {
        new Images(new File(tmp, 'img'))
    }

    def "reads a legacy docker-save archive by content, one entry per tag"() {
        given:
        def archive = new File(tmp, 'two.tar')
        def ids = images().dockerArchive(archive, [
                [tags: ['demo/app:1.0', 'demo/app:latest'], layers: [['a', 1000], ['b', 2000]]],
                [tags: [], layers: [['c', 3000]]]])

        when:
        def found = Sources.open(archive.path)

        then:
        found*.tag == ['1.0', 'latest', null]
        found*.repository == ['demo/app', 'demo/app', null]
        found[0].artifact().is(found[1].artifact())
        def image = found[0].artifact() as Image
        image.config().digest().toString() == ids[0]
        image.layers().every { it instanceof CompressedLayer }
        image.layers()*.sourceSize() == image.layers().collect { (it as CompressedLayer).size() }
    }

    def "reads the OCI form of docker save through its manifest.json"() {
        given:
        def archive = new File(tmp, 'oci-form.tar')
        def ids = images().dockerArchive(archive, [[tags: ['demo/web:2.0'], layers: [['a', 1000]]]], true)

        when:
        def found = Sources.open(archive.path)

        then:
        found.size() == 1
        found[0].tag() == '2.0'
        (found[0].artifact() as Image).config().digest().toString() == ids[0]
    }

    def "refuses a truncated archive with one line naming the file"() {
        given:
        def archive = new File(tmp, 'cut.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['a', 100_000]]]])
        def bytes = archive.bytes
        archive.bytes = Arrays.copyOf(bytes, bytes.length.intdiv(2) + 17)

        when:
        Sources.open(archive.path)

        then:
        def e = thrown(InvalidImageException)
        e.message.startsWith(archive.path)
        e.message.contains('truncated')
    }

    def "refuses a layout whose blob is a symlink leaving it"() {
        given:
        def layout = new File(tmp, 'layout')
        def digests = images().multiPlatformLayout(layout, 'v1')
        def outside = new File(tmp, 'outside')
        outside.text = 'secret'
        def blob = new File(layout, "blobs/sha256/${Images.hex(digests.index)}")
        blob.delete()
        Proc.ok(['ln', '-s', outside.path, blob.path])

        when:
        Sources.open("oci:${layout.path}:v1")

        then:
        def e = thrown(InvalidImageException)
        e.message.contains('outside')
    }

    def "refuses an archive member linking out of the archive"() {
        given:
        def root = new File(tmp, 'root')
        root.mkdirs()
        new File(root, 'manifest.json').text = '[{"Config":"evil.json","RepoTags":["a:b"],"Layers":[]}]'
        Proc.ok(['ln', '-s', '../../etc/passwd', new File(root, 'evil.json').path])
        def archive = new File(tmp, 'evil.tar')
        Proc.ok(['tar', '-C', root.path, '-cf', archive.path, '.'])

        when:
        Sources.open(archive.path)

        then:
        def e = thrown(InvalidImageException)
        e.message.contains('outside the archive')
    }

    def "refuses a tar header with a negative size instead of looping"() {
        given:
        def archive = new File(tmp, 'app.tar')
        images().dockerArchive(archive, [[tags: ['demo/app:1.0'], layers: [['a', 1000]]]])
        def bytes = archive.bytes
        setField(bytes, 0, 124, '-0000002000')
        archive.bytes = bytes

        when:
        Sources.open(archive.path)

        then:
        def e = thrown(InvalidImageException)
        e.message.startsWith(archive.path)
    }

    def "refuses a malformed PAX header with one line"() {
        given:
        def root = new File(tmp, 'pax')
        root.mkdirs()
        new File(root, 'manifest.json').text = '[]'
        def archive = new File(tmp, 'pax.tar')
        Proc.ok(['tar', '--format=pax', '--pax-option=comment=x', '-C', root.path, '-cf', archive.path, 'manifest.json'])
        def bytes = archive.bytes
        // The first member is the PAX header; break its first record's length.
        def text = new String(bytes, 512, 30, 'ISO-8859-1')
        assert text =~ /^\d+ /
        bytes[512] = (byte) '1'
        bytes[513] = (byte) ' '
        archive.bytes = bytes

        when:
        Sources.open(archive.path)

        then:
        thrown(InvalidImageException)
    }

    /** Writes a header field and fixes the header checksum. */
    static void setField(byte[] bytes, int header, int offset, String value) {
        value.getBytes('US-ASCII').eachWithIndex { b, i -> bytes[header + offset + i] = b }
        (148..155).each { bytes[header + it] = (byte) ' ' }
        long sum = (0..511).sum { bytes[header + it] & 0xff } as long
        def chk = String.format('%06o\0 ', sum)
        chk.getBytes('US-ASCII').eachWithIndex { b, i -> bytes[header + 148 + i] = b }
    }

    def "names what is missing: #spec"() {
        when:
        Sources.open(spec.replace('TMP', tmp.path))

        then:
        def e = thrown(InvalidImageException)
        e.message.contains(problem)

        where:
        spec                           | problem
        'TMP/nothing.tar'              | 'no such file'
        'oci:TMP/nolayout'             | 'no such directory'
        'docker-archive:TMP/none.tar'  | 'no such file'
    }

    def "refuses a tar without manifest.json or an OCI layout"() {
        given:
        def root = new File(tmp, 'plain')
        root.mkdirs()
        new File(root, 'hello.txt').text = 'hi'
        def archive = new File(tmp, 'plain.tar')
        Proc.ok(['tar', '-C', root.path, '-cf', archive.path, '.'])

        when:
        Sources.open(archive.path)

        then:
        def e = thrown(InvalidImageException)
        e.message.contains('neither a docker-save archive')
    }

    def "refuses a gzip-compressed archive with a hint"() {
        given:
        def archive = new File(tmp, 'app.tar.gz')
        archive.bytes = Images.gzip('x' * 1000 as String as byte[])

        when:
        Sources.open(archive.path)

        then:
        def e = thrown(InvalidImageException)
        e.message.contains('decompress')
    }
}
