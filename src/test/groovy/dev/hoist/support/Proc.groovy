package dev.hoist.support

/** Runs a command to completion, failing with its output when it exits non-zero. */
class Proc {

    static class Result {
        int exit
        String out
        String err
    }

    static Result run(List<String> command, Map<String, String> env = [:], File dir = null, String stdin = null) {
        def pb = new ProcessBuilder(command)
        pb.environment().putAll(env)
        if (dir != null) {
            pb.directory(dir)
        }
        def p = pb.start()
        if (stdin != null) {
            p.outputStream.withWriter { it << stdin }
        } else {
            p.outputStream.close()
        }
        def out = new StringBuilder()
        def err = new StringBuilder()
        p.waitForProcessOutput(out, err)
        new Result(exit: p.exitValue(), out: out.toString(), err: err.toString())
    }

    /** The exact bytes a command prints (the text helpers above add line ends). */
    static byte[] bytes(List<String> command) {
        def p = new ProcessBuilder(command).start()
        p.outputStream.close()
        def out = p.inputStream.bytes
        def err = p.errorStream.text
        if (p.waitFor() != 0) {
            throw new IllegalStateException("${command.join(' ')} exited ${p.exitValue()}: ${err}")
        }
        out
    }

    static String ok(List<String> command, Map<String, String> env = [:], File dir = null) {
        def r = run(command, env, dir)
        if (r.exit != 0) {
            throw new IllegalStateException("${command.join(' ')} exited ${r.exit}:\n${r.out}\n${r.err}")
        }
        r.out
    }
}
