package dev.hoist.support

import dev.hoist.cli.Main
import groovy.json.JsonSlurper

/** Runs hoist in-process, as a user would from the shell, capturing what it prints. */
class Hoist {

    static class Run {
        int exit
        String out
        String err

        Map getJson() {
            new JsonSlurper().parseText(out) as Map
        }

        @Override
        String toString() {
            "exit ${exit}\n--- stdout\n${out}\n--- stderr\n${err}"
        }
    }

    static Run run(List<String> args, Map<String, String> env = [:], String stdin = '') {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def io = new Main.Io(new PrintStream(out, true, 'UTF-8'), new PrintStream(err, true, 'UTF-8'),
                new ByteArrayInputStream(stdin.getBytes('UTF-8')), env, false)
        int exit = Main.execute(io, args as String[])
        new Run(exit: exit, out: out.toString('UTF-8'), err: err.toString('UTF-8'))
    }
}
