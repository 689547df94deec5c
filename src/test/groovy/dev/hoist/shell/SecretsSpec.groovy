package dev.hoist.shell

import spock.lang.Specification

class SecretsSpec extends Specification {

    def "secrets are masked in #line"() {
        expect:
        Secrets.mask(line) == masked

        where:
        line                                                  || masked
        'login reg:5000 -u me -p hunter2'                     || 'login reg:5000 -u me -p ****'
        'login reg:5000 -u me -phunter2'                      || 'login reg:5000 -u me -p****'
        'push a.tar r/a --password=hunter2'                   || 'push a.tar r/a --password=****'
        "push a.tar r/a --password 'two words'"               || 'push a.tar r/a --password ****'
        'push a.tar r/a --token abc.def'                      || 'push a.tar r/a --token ****'
        'push a.tar r/a --password-stdin'                     || 'push a.tar r/a --password-stdin'
        'push a.tar r/a --platform linux/amd64'               || 'push a.tar r/a --platform linux/amd64'
        "registry 'r', { password 'hunter2' }"                || "registry 'r', { password '****' }"
        'registry("r") { password("hunter2"); user "me" }'    || 'registry("r") { password("****"); user "me" }'
        "def c = [password: 'hunter2', token: \"t0k\"]"       || "def c = [password: '****', token: \"****\"]"
        'HOIST_PASSWORD=hunter2 x'                            || 'HOIST_PASSWORD=**** x'
        // One value as sh (and the shell's command lines) split it: every piece of the word goes.
        'login reg:5000 -u me -p pa\\ ss'                     || 'login reg:5000 -u me -p ****'
        "login reg:5000 -u me -p 'a b'c"                      || 'login reg:5000 -u me -p ****'
        'push a.tar r/a --password=x"y z" --platform linux'   || 'push a.tar r/a --password=**** --platform linux'
        "GITEA_TOKEN='t 0 k' hoist"                           || 'GITEA_TOKEN=**** hoist'
        "def p = 'plain'"                                     || "def p = 'plain'"
    }
}
