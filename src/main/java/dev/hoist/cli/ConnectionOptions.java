package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.Credentials;
import dev.hoist.registry.RegistryOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** How to reach and log in to registries: the options {@code push} and {@code login} share. */
final class ConnectionOptions {

    @Option(names = {"-u", "--username"}, description = "Registry user name.")
    String username;

    @Option(names = {"-p", "--password"}, description = "Registry password (visible to other users in the process list; prefer --password-stdin).")
    String password;

    @Option(names = "--password-stdin", description = "Read the password (or token) from standard input.")
    boolean passwordStdin;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A bearer token, used as it is (visible to other users; prefer --token-stdin).")
    String token;

    @Option(names = "--token-stdin", description = "Read a bearer token from standard input.")
    boolean tokenStdin;

    @Option(names = "--insecure", description = "Accept self-signed certificates and plain HTTP.")
    boolean insecure;

    @Option(names = "--ca-cert", paramLabel = "FILE", description = "Trust this CA certificate (PEM) as well.")
    Path caCert;

    @Option(names = "--cert", paramLabel = "FILE", description = "Client certificate (PEM) for mutual TLS.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "The client certificate's private key (PEM).")
    Path key;

    RegistryOptions options(Map<String, String> env, int retries, long chunkSize, int maxPerRegistry) {
        return new RegistryOptions(insecure, caCert, retries, chunkSize, Duration.ofSeconds(30), maxPerRegistry,
                Dirs.config(env).resolve("certs.d"), cert, key, Dirs.cache(env).resolve("uploads"));
    }

    /** Credentials from the flags, or null when none were given (the chain looks elsewhere). */
    /** Whether a password or token was given (on the line or on stdin), not only a user name. */
    boolean secretGiven() {
        return password != null || passwordStdin || token != null || tokenStdin;
    }

    Credentials credentials(Main.Io io) throws IOException {
        int given = (password != null ? 1 : 0) + (passwordStdin ? 1 : 0) + (token != null ? 1 : 0) + (tokenStdin ? 1 : 0);
        if (given > 1) {
            throw new HoistException("give one of --password, --password-stdin, --token, --token-stdin", HoistException.Kind.USAGE);
        }
        if ((password != null || passwordStdin) && username == null) {
            throw new HoistException("a password needs a user name: add -u USER", HoistException.Kind.USAGE);
        }
        if (password != null || token != null) {
            io.err().println("WARNING: a secret on the command line is visible to other users; use --password-stdin or --token-stdin");
        }
        if (password != null) {
            return Credentials.basic(username, password, "--password");
        }
        if (token != null) {
            return Credentials.bearer(token, "--token");
        }
        if (passwordStdin || tokenStdin) {
            var text = new String(io.in().readAllBytes(), StandardCharsets.UTF_8);
            var secret = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (secret.isEmpty()) {
                throw new HoistException("standard input is empty: no secret to read", HoistException.Kind.USAGE);
            }
            return tokenStdin ? Credentials.bearer(secret, "--token-stdin") : Credentials.basic(username, secret, "--password-stdin");
        }
        if (username != null) {
            throw new HoistException("-u needs a password: add --password-stdin", HoistException.Kind.USAGE);
        }
        return null;
    }
}
