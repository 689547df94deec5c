package dev.hoist.credentials;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the programs credentials come from (credential helpers, secret-tool, idpbuilder): the
 * input on stdin (never in arguments), the output read on a thread of its own so the timeout holds
 * even when the program hangs, stderr dropped (it may echo what it was given).
 */
final class Programs {

    private static final Logger log = LoggerFactory.getLogger(Programs.class);

    private Programs() {
    }

    /** The program's stdout, or null when it is not on PATH, fails, or times out. */
    static String run(String program, List<String> args, String stdin, Map<String, String> env, long timeoutSeconds) {
        var executable = Executables.find(program, env);
        if (executable.isEmpty()) {
            log.debug("{} is not on PATH", program);
            return null;
        }
        Process p = null;
        try {
            var command = new java.util.ArrayList<String>();
            command.add(executable.get().toString());
            command.addAll(args);
            var pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            p = pb.start();
            var process = p;
            var out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return null;
                }
            });
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                log.debug("{} timed out after {} s", program, timeoutSeconds);
                return null;
            }
            if (p.exitValue() != 0) {
                log.debug("{} exited {}", program, p.exitValue());
                return null;
            }
            return out.get(5, TimeUnit.SECONDS);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("{} cannot run: {}", program, e.getClass().getSimpleName());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
