package dev.hoist.server;

import dev.hoist.HoistException;
import dev.hoist.engine.Job;
import dev.hoist.engine.Jobs;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.jline.terminal.Terminal;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * hoist's SSH server: public keys from an authorized_keys file only, a persistent ed25519 host key,
 * no forwarding of any kind and no SFTP/SCP; an exec request runs one hoist command. Start it with
 * {@link #start}, stop it with {@link #close}.
 */
public final class SshServe implements Closeable {

    /**
     * What {@code hoist serve --ssh} was given.
     *
     * @param env the environment commands run with: the server user's, as a local shell's would be
     * @param shells what a session with a terminal runs, or null to refuse shell requests
     */
    public record Settings(String host, int port, Path authorizedKeys, Path hostKey, int maxSessions,
                           Duration idleTimeout, Path auditLog, Map<String, String> env, Shells shells) {
    }

    private final Settings settings;
    private final SshServer sshd;
    private final AuditLog audit;
    private final PublicKey hostKey;
    /** One thread for the whole server: keeps sessions whose command is running from timing out. */
    private final ScheduledExecutorService ticks;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    /** Exec channels not yet closed: their exit status must reach the client before the server stops. */
    private final Set<Object> channels = ConcurrentHashMap.newKeySet();
    /** Session terminals still open: closed at the end, so no session's thread waits on a read forever. */
    private final Set<Terminal> terminals = ConcurrentHashMap.newKeySet();
    /** Every user's jobs: they live in the server, not in a session, so a push goes on when its connection drops. */
    private final Jobs jobs = new Jobs();
    /** The users seen, by name: their key's fingerprint for the audit lines of their jobs. */
    private final Map<String, KeyUser> users = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger execs = new AtomicInteger();

    private SshServe(Settings settings, SshServer sshd, AuditLog audit, PublicKey hostKey, ScheduledExecutorService ticks) {
        this.settings = settings;
        this.sshd = sshd;
        this.audit = audit;
        this.hostKey = hostKey;
        this.ticks = ticks;
    }

    public static SshServe start(Settings settings) throws IOException {
        var keys = hostKeys(settings.hostKey());
        var audit = new AuditLog(settings.auditLog());
        var sshd = SshServer.setUpDefaultServer();
        sshd.setHost(settings.host());
        sshd.setPort(settings.port());
        sshd.setKeyPairProvider(keys.provider());
        // Only publickey is offered: with no authenticator for them, MINA leaves these methods out.
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        sshd.setAgentFactory(null);
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, settings.idleTimeout());
        var ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "hoist-ssh-keepalive");
            t.setDaemon(true);
            return t;
        });
        var server = new SshServe(settings, sshd, audit, keys.publicKey(), ticks);
        sshd.setPublickeyAuthenticator(KeyUser.authenticator(settings.authorizedKeys(), server::admit));
        sshd.addSessionListener(server.new Sessions());
        server.jobs.onSubmit(server::audit);
        sshd.setCommandFactory((channel, command) -> new ExecCommand(server, command));
        if (settings.shells() != null) {
            sshd.setShellFactory(channel -> new ShellSession(server));
        }
        try {
            sshd.start();
        } catch (BindException e) {
            ticks.shutdownNow();
            throw new HoistException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(),
                    HoistException.Kind.INPUT, e);
        }
        audit.write(null, "server started on " + server.address() + " host key " + server.fingerprint());
        return server;
    }

    private record HostKeys(SimpleGeneratorHostKeyProvider provider, PublicKey publicKey) {
    }

    /**
     * The host key from its file, made there (mode 0600) on the first start. A file that exists
     * but cannot be read stops the server: MINA would otherwise make a new key in memory, and every
     * client would see the host key change.
     */
    private static HostKeys hostKeys(Path file) throws IOException {
        var existed = Files.exists(file);
        if (existed) {
            try (var in = Files.newInputStream(file)) {
                var read = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null);
                if (read == null || !read.iterator().hasNext()) {
                    throw new GeneralSecurityException("no key in the file");
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new HoistException("cannot read the host key " + file + ": " + e.getMessage(), HoistException.Kind.INPUT, e);
            }
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        var provider = new SimpleGeneratorHostKeyProvider(file);
        provider.setAlgorithm(SecurityUtils.ED25519);
        provider.setOverwriteAllowed(false);
        var pairs = provider.loadKeys(null);
        if (pairs.isEmpty() || !Files.exists(file)) {
            throw new HoistException("cannot " + (existed ? "read" : "write") + " the host key " + file, HoistException.Kind.INPUT);
        }
        return new HostKeys(provider, pairs.get(0).getPublic());
    }

    /** Where the server listens, with the port it was given (the real one when 0 was asked for). */
    public InetSocketAddress address() {
        var bound = sshd.getBoundAddresses();
        return bound.isEmpty() ? new InetSocketAddress(settings.host(), settings.port())
                : (InetSocketAddress) bound.iterator().next();
    }

    /** The host key's SHA-256 fingerprint, as {@code ssh-keygen -lf} and ssh print it. */
    public String fingerprint() {
        return KeyUser.fingerprint(hostKey);
    }

    public String keyType() {
        return KeyUtils.getKeyType(hostKey);
    }

    /** The one line {@code hoist serve} prints when it is ready. */
    public String banner() {
        var a = address();
        var host = a.getAddress().getHostAddress();
        return "hoist serve: ssh on " + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort()
                + ", host key " + fingerprint() + " (" + keyType() + "), audit log " + audit.file();
    }

    Settings settings() {
        return settings;
    }

    AuditLog audit() {
        return audit;
    }

    ScheduledExecutorService ticks() {
        return ticks;
    }

    Jobs jobs() {
        return jobs;
    }

    /** Logs a job's start now and its end when it comes: the audit log has every job with its result. */
    private void audit(Job job) {
        var user = job.owner() != null ? users.get(job.owner()) : null;
        audit.write(user, "job " + job.id() + " started: " + job.name());
        job.onEnd(j -> {
            var t = j.snapshot().totals();
            audit.write(user, "job " + j.id() + " " + j.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + t.pushed()
                    + " pushed, " + t.upToDate() + " up to date, " + t.failed() + " failed of " + t.images());
        });
    }

    int nextExecId() {
        return execs.incrementAndGet();
    }

    void running(Thread t, boolean on) {
        if (on) {
            running.add(t);
        } else {
            running.remove(t);
        }
    }

    void channel(Object channel, boolean open) {
        if (open) {
            channels.add(channel);
        } else {
            channels.remove(channel);
        }
    }

    void terminal(Terminal t, boolean open) {
        if (open) {
            terminals.add(t);
        } else {
            terminals.remove(t);
        }
    }

    /**
     * Cancels the jobs still running, waits up to {@code grace} for running commands to print their
     * summary and exit, then closes every session.
     */
    public void close(Duration grace) {
        var deadline = System.nanoTime() + grace.toNanos();
        // Running jobs are cancelled (their sessions print the summary) before the sessions end.
        var unfinished = jobs.list().stream().filter(j -> !j.state().finished()).toList();
        if (!unfinished.isEmpty()) {
            audit.write(null, "server stopping: cancelling " + unfinished.size() + " running job(s)");
            Jobs.cancel(unfinished);
        }
        for (var t : Set.copyOf(running)) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        while (!channels.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            sshd.stop(true);
        } catch (IOException e) {
            audit.write(null, "server stop: " + e.getMessage());
        }
        terminals.forEach(ExecCommand::close);
        ticks.shutdownNow();
        audit.write(null, "server stopped");
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Refuses a known key when --max-sessions are logged in already, with the reason sent to the
     * client. Checked while the key is accepted, as MINA checks its own per-user limit: a
     * disconnect sent once the session is authenticated crosses the success packet on the wire.
     */
    private boolean admit(ServerSession session) {
        if (sessions.get() < settings.maxSessions()) {
            return true;
        }
        audit.write(null, "session refused from " + session.getRemoteAddress() + ": --max-sessions "
                + settings.maxSessions() + " reached");
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS,
                    "hoist serve: too many sessions (--max-sessions " + settings.maxSessions() + ")");
        } catch (IOException e) {
            session.close(true);
        }
        return false;
    }

    /** Counts authenticated sessions and writes their open/close to the audit log. */
    private final class Sessions implements SessionListener {

        @Override
        public void sessionEvent(Session session, Event event) {
            if (event != Event.Authenticated) {
                return;
            }
            if (sessions.incrementAndGet() > settings.maxSessions()) {
                // Two keys accepted at the same instant for the last place: the later one goes.
                sessions.decrementAndGet();
                session.close(false);
                return;
            }
            session.setAttribute(COUNTED, Boolean.TRUE);
            var user = session.getAttribute(KeyUser.ATTRIBUTE);
            users.put(user.name(), user);
            audit.write(user, "session opened from " + session.getRemoteAddress()
                    + " as login " + session.getUsername());
        }

        @Override
        public void sessionClosed(Session session) {
            if (session.getAttribute(COUNTED) != null) {
                sessions.decrementAndGet();
                audit.write(session.getAttribute(KeyUser.ATTRIBUTE), "session closed");
            }
        }
    }

    private static final org.apache.sshd.common.AttributeRepository.AttributeKey<Boolean> COUNTED =
            new org.apache.sshd.common.AttributeRepository.AttributeKey<>();
}
