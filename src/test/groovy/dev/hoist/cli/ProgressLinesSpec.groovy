package dev.hoist.cli

import spock.lang.Specification

class ProgressLinesSpec extends Specification {

    static final String LONG = 'team/a-rather-long-repository-name-for-progress/service-number-12'

    List<ProgressLines.Transfer> transfers(int n, String name = LONG) {
        (1..n).collect { new ProgressLines.Transfer(it % 2 ? 'gzip' : 'push', "1a2b3c4d5e${it.toString().padLeft(2, '0')}", name + it,
                it * 1_000_000L, 50_000_000L, 3_500_000d) }
    }

    def overall = new ProgressLines.Overall(3, 16, 123_456_789L, 987_654_321L, 12_345_678d, '1m05s', '')

    def "no line is as wide as the terminal, from 20 to 200 columns: #width"() {
        when:
        def lines = ProgressLines.layout(transfers(4), overall, width, 24)

        then:
        lines.size() == 5
        lines.every { it.length() < width }

        where:
        width << [20, 30, 40, 60, 80, 100, 132, 200]
    }

    def "at 80 columns a transfer keeps its bar, sizes and rate; the name is cut in the middle"() {
        when:
        def line = ProgressLines.layout(transfers(1), null, 80, 24)[0]

        then:
        line.length() <= 79
        line.startsWith('  gzip 1a2b3c4d5e01 team/')
        line.contains('..')
        line.contains('ber-121')
        line =~ /\[#* *\]/
        line.endsWith('/s')
    }

    def "a narrow terminal drops the bars first, then the rates; the overall line keeps images and ETA"() {
        expect:
        !ProgressLines.layout(transfers(1), null, 60, 24)[0].contains('[')
        ProgressLines.layout(transfers(1), null, 60, 24)[0].contains('/s')
        !ProgressLines.layout(transfers(1), null, 45, 24)[0].contains('/s')
        ProgressLines.layout([], overall, 40, 24)[0] == '  images 3/16  12%  ETA 1m05s'
    }

    def "short names are not cut, and line up"() {
        when:
        def lines = ProgressLines.layout([new ProgressLines.Transfer('push', 'aaaaaaaaaaaa', 'app', 1, 2, 1),
                                          new ProgressLines.Transfer('push', 'bbbbbbbbbbbb', 'other/app', 1, 2, 1)], null, 100, 24)

        then:
        lines[0].indexOf('[') == lines[1].indexOf('[')
        lines[0].contains(' app ')
        !lines.any { it.contains('..') }
    }

    def "more transfers than rows: the block fits under the screen's last row and says how many it leaves out"() {
        when:
        def lines = ProgressLines.layout(transfers(30), overall, 80, 10)

        then:
        lines.size() == 9
        lines[-2] == '  and 23 more'
        lines[-1].startsWith('  images 3/16')
    }

    def "names are cut in the middle to the width asked"() {
        expect:
        ProgressLines.middle('abcdefghij', 10) == 'abcdefghij'
        ProgressLines.middle('abcdefghij', 6) == 'ab..ij'
        ProgressLines.middle('abcdefghij', 7) == 'ab..hij'
        ProgressLines.middle('abcdefghij', 2) == 'ij'
    }
}
