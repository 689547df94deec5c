package dev.hoist.dsl

import org.codehaus.groovy.control.CompilerConfiguration
import spock.lang.Specification

import java.util.regex.Pattern

class SlashyPatternsSpec extends Specification {

    def "a slashy string given to repository or tag is the regular expression it looks like; other strings stay strings"() {
        given:
        def config = new CompilerConfiguration()
        config.addCompilationCustomizers(new SlashyPatterns())

        when:
        def seen = new GroovyShell(config).evaluate('''
            seen = []
            def repository(x) { seen << x }
            def tag(x) { seen << x }
            repository(/^demo\\/.+/)
            [1].each { tag(/^v\\d+$/) }
            tag 'x*'
            tag([/a.*/, 'b*'])
            def s = /plain/
            seen << s
            seen
        ''')

        then:
        seen[0] instanceof Pattern && seen[0].pattern() == '^demo/.+'
        seen[1] instanceof Pattern && seen[1].pattern() == '^v\\d+$'
        seen[2] == 'x*'
        seen[3][0] instanceof Pattern && seen[3][1] == 'b*'
        seen[4] == 'plain'
    }
}
