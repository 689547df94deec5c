package dev.hoist.image

import spock.lang.Specification

import java.util.zip.Inflater

/**
 * hoist's deflate encoder against the format's readers: every shape of input a layer can hold
 * (matches at distance 1 and 32768, runs longer than 258, literals of every value, pieces stored
 * between compressed ones, blocks primed with the window before them) inflates back to itself.
 */
class DeflateSpec extends Specification {

    /** Deflates {@code data} in blocks as GzipInputStream does, then inflates the stream back. */
    static byte[] roundTrip(byte[] data, int block, boolean[] storedPieces = null) {
        def encoder = new Deflate()
        def stream = new ByteArrayOutputStream()
        for (int off = 0; off < data.length; off += block) {
            int len = Math.min(block, data.length - off)
            int window = Math.min(off, Deflate.WINDOW)
            def buf = Arrays.copyOfRange(data, off - window, off + len)
            boolean[] stored = null
            if (storedPieces != null) {
                int pieces = (len + 32767).intdiv(32768)
                stored = new boolean[pieces]
                pieces.times { stored[it] = storedPieces[(off.intdiv(32768) + it) % storedPieces.length] }
            }
            stream.write(encoder.encode(buf, window, window + len, stored, 32768))
        }
        stream.write([3, 0, 0] as byte[]) // the final empty block, and the dummy byte a raw Inflater needs
        def inflater = new Inflater(true)
        inflater.setInput(stream.toByteArray())
        def out = new ByteArrayOutputStream()
        def chunk = new byte[65536]
        while (!inflater.finished()) {
            int n = inflater.inflate(chunk)
            if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                throw new IllegalStateException('truncated deflate stream')
            }
            out.write(chunk, 0, n)
        }
        inflater.end()
        out.toByteArray()
    }

    static byte[] shape(String kind, int size, long seed) {
        def r = new Random(seed)
        def b = new byte[size]
        switch (kind) {
            case 'zeros': break
            case 'random': r.nextBytes(b); break
            case 'text':
                def words = (0..<400).collect { w -> (0..<(3 + r.nextInt(8))).collect { (char) ('a' as char) + r.nextInt(26) }.join() }
                def sb = new StringBuilder()
                while (sb.length() < size) { sb.append(words[r.nextInt(words.size())]).append(r.nextInt(9) == 0 ? '\n' : ' ') }
                System.arraycopy(sb.toString().bytes, 0, b, 0, size)
                break
            case 'period1': Arrays.fill(b, (byte) 7); if (size > 0) { b[0] = 1 }; break
            case 'far': // a random 32 KiB repeated: every match at the window's full distance
                def unit = new byte[32768]; r.nextBytes(unit)
                for (int i = 0; i < size; i++) { b[i] = unit[i % 32768] }
                break
            case 'skewed': for (int i = 0; i < size; i++) { b[i] = (byte) (r.nextInt(40) * r.nextInt(6)) }; break
            case 'mixed': // stretches of every kind, of random lengths
                int p = 0
                def kinds = ['zeros', 'random', 'text', 'period1', 'skewed']
                while (p < size) {
                    int n = Math.min(size - p, 1 + r.nextInt(70_000))
                    System.arraycopy(shape(kinds[r.nextInt(kinds.size())], n, r.nextLong()), 0, b, p, n)
                    p += n
                }
                break
        }
        b
    }

    def "inflates back to the input: #kind, #size bytes in #block-byte blocks"() {
        given:
        def data = shape(kind, size, size * 31 + block)

        expect:
        roundTrip(data, block) == data

        where:
        [kind, size, block] << [['zeros', 'random', 'text', 'period1', 'far', 'skewed', 'mixed'],
                                [0, 1, 7, 8, 9, 300, 65_535, 65_536, 300_001],
                                [131_072, 40_000]].combinations()
    }

    def "stored pieces between compressed ones keep the stream valid (seed #seed)"() {
        given:
        def data = shape('mixed', 700_000, seed)
        def pattern = new boolean[7]
        def r = new Random(seed)
        pattern.length.times { pattern[it] = r.nextBoolean() }

        expect:
        roundTrip(data, 131_072, pattern) == data

        where:
        seed << (1..6)
    }

    def "the same input gives the same bytes from a fresh encoder and from one that has encoded other blocks"() {
        given:
        def data = shape('mixed', 131_072, 5)
        def used = new Deflate()
        used.encode(shape('text', 131_072, 9), 0, 131_072, null, 32768)

        expect:
        new Deflate().encode(data, 0, data.length, null, 32768) == used.encode(data, 0, data.length, null, 32768)
    }

    def "Huffman code lengths stay within the limit and form a complete code, even for skewed counts"() {
        given:
        def freq = new int[286]
        // Fibonacci counts force the deepest unbounded tree.
        long a = 1, b = 1
        for (int i = 0; i < 30; i++) { freq[i] = (int) a; long t = a + b; a = b; b = t }
        freq[256] = 1
        def lengths = new byte[286]

        when:
        Deflate.lengths(freq, 286, 15, lengths)
        double kraft = lengths.findAll { it > 0 }.sum { Math.pow(2, -it) } as double

        then:
        lengths.every { it <= 15 }
        Math.abs(kraft - 1.0d) < 1e-12
    }
}
