package dev.hoist.cli;

import dev.hoist.Dirs;
import dev.hoist.credentials.CredentialChain;
import dev.hoist.credentials.Credentials;
import dev.hoist.credentials.CredentialStore;
import dev.hoist.registry.RegistryClient;
import dev.hoist.registry.RegistryOptions;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * How a command line being typed would reach a registry: the credentials and TLS settings its
 * {@code push} or {@code build} would use (its flags, then the environment, {@code hoist login},
 * docker's config), so the shell can read a target's tags the way the push would write them.
 * Parses the line on command objects of its own, never runs them, and never prints (a secret
 * on the line is used, not warned about: the push itself warns).
 *
 * @param identity whose credentials the line gives ({@link Credentials#fingerprint()}, never a secret), or
 *                 {@code default} when it gives none: what is read with them is kept apart from others'
 */
public record RegistryAccess(CredentialStore credentials, RegistryOptions options, String identity) {

    /**
     * @param words   the line's words, the command first ({@code push app.tar --to localhost:5000/app -u me ...})
     * @param host    the registry the flags and the environment may speak for
     * @param timeout how long to wait for a connection
     */
    public static RegistryAccess forLine(List<String> words, String host, Main.Io io, Duration timeout) {
        var quiet = new PrintStream(OutputStream.nullOutputStream());
        // No stdin: a --password-stdin on a line being typed has nothing to read yet.
        var silent = new Main.Io(quiet, quiet, InputStream.nullInputStream(), io.env(), false);
        var connection = connection(words, silent);
        Credentials flags = null;
        try {
            flags = connection.credentials(silent);
        } catch (java.io.IOException | RuntimeException e) {
            // Flags that do not make sense yet (-u without a password): the other sources answer.
        }
        var chain = CredentialChain.standard(flags, io.env(), Dirs.config(io.env())).forRegistries(List.of(host));
        RegistryOptions options;
        try {
            var o = connection.options(io.env(), 0, 0, 2);
            options = new RegistryOptions(o.insecure(), o.caCert(), 0, 0, timeout, 2, o.certsDir(), o.clientCert(), o.clientKey(), null);
        } catch (RuntimeException e) {
            options = new RegistryOptions(false, null, 0, 0, timeout, 2, Dirs.config(io.env()).resolve("certs.d"), null, null, null);
        }
        return new RegistryAccess(chain, options, flags == null ? "default" : flags.fingerprint());
    }

    /** A client for {@code host} with these credentials and options; close it after use. */
    public RegistryClient client(String host) {
        return new RegistryClient(host, credentials.lookup(host), options, null);
    }

    private static ConnectionOptions connection(List<String> words, Main.Io io) {
        var command = words.isEmpty() ? "" : words.get(0);
        var push = command.equals("push") ? new PushCommand(io) : null;
        var build = command.equals("build") ? new BuildCommand(io) : null;
        if (push == null && build == null) {
            return new ConnectionOptions();
        }
        var cli = new CommandLine(push != null ? push : build);
        cli.setUnmatchedArgumentsAllowed(true);
        try {
            cli.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            // A line still being typed (an option without its value yet): what parsed is kept.
        }
        return push != null ? push.connection : build.connection;
    }
}
