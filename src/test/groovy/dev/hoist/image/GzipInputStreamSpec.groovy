package dev.hoist.image

import spock.lang.Specification

import java.util.zip.GZIPInputStream

class GzipInputStreamSpec extends Specification {

    static byte[] sample(int size) {
        def bytes = new byte[size]
        new Random(42).nextBytes(bytes)
        def text = ('some text that compresses well ' * (size.intdiv(31) + 1)).bytes
        System.arraycopy(text, 0, bytes, 0, size.intdiv(2))
        bytes
    }

    static byte[] gzip(byte[] input) {
        new GzipInputStream(new ByteArrayInputStream(input)).bytes
    }

    def "produces a valid gzip stream that decompresses to the input (#size bytes)"() {
        given:
        def input = sample(size)

        expect:
        new GZIPInputStream(new ByteArrayInputStream(gzip(input))).bytes == input

        where:
        size << [0, 1, 65_535, 65_536, 131_072, 131_073, 1_000_003, 3 * 131_072]
    }

    def "GNU gzip reads the stream too: blocks compressed apart join into one valid gzip member"() {
        given:
        def input = sample(2_000_000)
        def file = File.createTempFile('hoist-gzip', '.gz')
        file.deleteOnExit()
        file.bytes = gzip(input)

        when:
        def p = new ProcessBuilder('gzip', '-dc', file.path).start()
        def out = p.inputStream.bytes
        p.waitFor()

        then:
        p.exitValue() == 0
        out == input
    }

    def "stores what does not compress instead of spending the time on it, and still compresses text"() {
        given:
        def random = new byte[1_000_000]
        new Random(7).nextBytes(random)
        def text = ('layer text ' * 100_000).bytes

        expect:
        gzip(random).length < random.length * 1.01
        gzip(text).length < text.length / 20
        new GZIPInputStream(new ByteArrayInputStream(gzip(random))).bytes == random
    }

    def "is deterministic: same input, same bytes"() {
        given:
        def input = sample(500_000)

        expect:
        gzip(input) == gzip(input)
        Digest.sha256(gzip(input)) == Digest.sha256(gzip(input.clone()))
    }

    def "writes a header without a name or time, so nothing about the run leaks into the digest"() {
        when:
        def out = gzip('x'.bytes)

        then:
        out[0..9] == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff].collect { it as byte }
    }

    /** 32 KiB pieces of five kinds: text, skewed bytes (~6.5 bits), denser ones (~7.5 bits), random and zeros. */
    static byte[] mixed(int pieces) {
        def random = new Random(11)
        def out = new ByteArrayOutputStream()
        pieces.times { i ->
            def piece = new byte[GzipInputStream.PIECE]
            switch (i % 5) {
                case 0: def t = ("piece $i of text, words and more words\n" * 1000).bytes; System.arraycopy(t, 0, piece, 0, piece.length); break
                case 1: piece.length.times { piece[it] = (byte) (random.nextInt(96) + random.nextInt(4)) }; break
                case 2: piece.length.times { piece[it] = (byte) (random.nextInt(181)) }; break
                case 3: random.nextBytes(piece); break
                default: break // zeros
            }
            out.write(piece)
        }
        out.toByteArray()
    }

    def "stores only the random-looking 32 KiB pieces: text, skewed and dense bytes and zeros are compressed"() {
        given:
        def input = mixed(5)

        expect:
        (0..4).collect { GzipInputStream.random(input, it * GzipInputStream.PIECE, input.length) } == [false, false, false, true, false]
        (0..4).collect { GzipInputStream.levelOf(input, it * GzipInputStream.PIECE, input.length, 6, -1) } == [6, 6, 6, 0, 6]
    }

    def "the default encoder is smaller than zlib's level 1 on mixed content, and a fixed level still goes through zlib"() {
        given:
        def input = mixed(5 * 8)

        when:
        def auto = new GzipInputStream(new ByteArrayInputStream(input)).bytes
        def one = new GzipInputStream(new ByteArrayInputStream(input), 1).bytes
        def nine = new GzipInputStream(new ByteArrayInputStream(input), 9).bytes

        then:
        auto.length < one.length
        nine.length < one.length
        [auto, one, nine].every { new GZIPInputStream(new ByteArrayInputStream(it)).bytes == input }
        GzipInputStream.scheme(GzipInputStream.AUTO) != GzipInputStream.scheme(1)
    }

    def "pieces of every level, switched inside blocks, still make one gzip member that GNU gzip and Java read (level #level)"() {
        given:
        def both = new ByteArrayOutputStream()
        both.write(mixed(5 * 8 + 1))
        both.write(sample(70_001))
        def input = both.toByteArray()
        def file = File.createTempFile('hoist-gzip-mixed', '.gz')
        file.deleteOnExit()
        file.bytes = new GzipInputStream(new ByteArrayInputStream(input), level).bytes

        when:
        def p = new ProcessBuilder('gzip', '-dc', file.path).start()
        def out = p.inputStream.bytes
        p.waitFor()

        then:
        p.exitValue() == 0
        out == input
        new GZIPInputStream(new ByteArrayInputStream(file.bytes)).bytes == input
        // random pieces stored, the rest compressed
        file.length() < input.length * 0.75

        where:
        level << [GzipInputStream.AUTO, 1, 9]
    }
}
