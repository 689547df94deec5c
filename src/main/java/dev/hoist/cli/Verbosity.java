package dev.hoist.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.io.PrintStream;

/**
 * Quiet by default; {@code -v} turns on debug logs (HTTP exchanges, decisions) and stack traces,
 * for one command only. Several commands run at once in one JVM (sessions of the SSH server, a
 * shell's background jobs), so nothing here is process-wide: each command line gets a route (its
 * err stream, verbose or not) on the thread that runs it, and every thread started on its behalf
 * (its job, the engine's image and blob workers, the HTTP client's threads) inherits that route.
 * One appender writes each log line to the route of the thread that logs it; a turbo filter lets
 * debug lines through only on threads whose route is verbose. Threads started by no command (the
 * SSH server's own) log warnings to the process's stderr; the common fork-join pool's workers,
 * shared by all commands, log as the process's first command does.
 */
public final class Verbosity {

    /** Where a command's log lines go, and whether it asked for {@code -v}. */
    private record Route(PrintStream err, boolean verbose) {
    }

    private static final InheritableThreadLocal<Route> ROUTE = new InheritableThreadLocal<>();
    /**
     * The route of the process's first command (the command line's one command, or {@code hoist
     * serve} itself): where the common fork-join pool's workers log. They are shared by every
     * command, so the route one of them inherited from the command that happened to start it
     * belongs to no command in particular.
     */
    private static volatile Route first;
    /** Wire-level logs of the HTTP libraries are noise, and slow a daemon export to a crawl: info at most. */
    private static final String[] QUIET = {"jdk.internal.httpclient", "org.apache.hc", "com.github.dockerjava", "com.google"};
    /**
     * The SSH server's own logs, made on a command's thread while it writes to its channel: they are
     * the server's, and written to that channel they would be sent inside the packet being sent.
     */
    private static final String SERVER = "org.apache.sshd";
    /** Set while a line is written to a route: a line logged meanwhile (by the stream's own code) goes to stderr. */
    private static final ThreadLocal<Boolean> WRITING = new ThreadLocal<>();
    private static boolean installed;

    private Verbosity() {
    }

    /**
     * Sends the log lines of the command about to run on this thread, and of every thread it starts,
     * to {@code err}, warnings only until {@link #set} says otherwise. Commands started earlier from
     * this thread (a shell's background jobs) keep the route they had.
     */
    public static void attach(PrintStream err) {
        install();
        ROUTE.set(new Route(err, false));
        if (first == null) {
            first = ROUTE.get();
        }
    }

    /** {@code -v} of the command on this thread. */
    static void set(boolean on) {
        var route = ROUTE.get();
        var verbose = new Route(route != null ? route.err() : System.err, on);
        if (first == route) {
            first = verbose;
        }
        ROUTE.set(verbose);
    }

    /** Whether the command on this thread asked for {@code -v}: stack traces with its errors. */
    static boolean verbose() {
        var route = route();
        return route != null && route.verbose();
    }

    /** The route of the command this thread works for, or null for the process's own threads. */
    private static Route route() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread ? first : ROUTE.get();
    }

    /** Once per process: the routing appender in place of the root's, the filter that lets a verbose command's debug lines through. */
    private static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var layout = new LogSetup.Layout();
        layout.setContext(context);
        layout.start();
        var appender = new RoutingAppender(layout);
        appender.setContext(context);
        appender.setName("hoist-route");
        appender.start();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(Level.WARN);
        var filter = new VerboseFilter();
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
    }

    /** Writes a line to the err stream of the command whose thread logs it. */
    private static final class RoutingAppender extends AppenderBase<ILoggingEvent> {
        private final LogSetup.Layout layout;

        RoutingAppender(LogSetup.Layout layout) {
            this.layout = layout;
        }

        @Override
        protected void append(ILoggingEvent event) {
            var route = route();
            if (route == null || WRITING.get() != null || event.getLoggerName().startsWith(SERVER)) {
                System.err.print(layout.doLayout(event));
                return;
            }
            WRITING.set(Boolean.TRUE);
            try {
                // PrintStream is synchronized: lines of concurrent workers of one command do not interleave.
                route.err().print(layout.doLayout(event));
                route.err().flush();
            } finally {
                WRITING.remove();
            }
        }
    }

    /**
     * Decides before a log line is made: on a verbose command's threads debug (info for the HTTP
     * libraries) passes whatever the loggers' levels; elsewhere the levels (warnings) decide.
     */
    private static final class VerboseFilter extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            var route = route();
            if (route == null || !route.verbose() || level == null) {
                return FilterReply.NEUTRAL;
            }
            var name = logger.getName();
            if (name.startsWith(SERVER)) {
                return FilterReply.NEUTRAL;
            }
            for (var quiet : QUIET) {
                if (name.startsWith(quiet)) {
                    return level.isGreaterOrEqual(Level.INFO) ? FilterReply.ACCEPT : FilterReply.DENY;
                }
            }
            return level.isGreaterOrEqual(Level.DEBUG) ? FilterReply.ACCEPT : FilterReply.NEUTRAL;
        }
    }
}
