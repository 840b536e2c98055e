package io.fleetstream.http;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request line and headers have not all arrived within the deadline since their first
 * byte. Jetty's idle timeout restarts with every byte, so a client sending a header byte every few seconds (a
 * slowloris) would otherwise keep its connection for hours; Jetty parses headers without holding a thread, so what
 * it takes is connections. Bodies are bounded separately, by a minimum data rate while the handler reads them
 * ({@link HttpEdge}). A connection waiting between requests is left to the idle timeout.
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {

    private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);

    private final long deadlineNanos;
    private final long sweepMillis;
    private final Scheduler scheduler;
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private volatile Scheduler.Task sweep;

    HeaderDeadline(Duration deadline, Scheduler scheduler) {
        this.deadlineNanos = deadline.toNanos();
        // a late cut by up to a quarter of the deadline is fine; a busy sweep is not
        this.sweepMillis = Math.max(50, deadline.toMillis() / 4);
        this.scheduler = scheduler;
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = sweep;
        if (task != null) {
            task.cancel();
        }
        open.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.add(http);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    private void schedule() {
        if (isRunning() || isStarting()) {
            sweep = scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void sweep() {
        try {
            for (HttpConnection connection : open) {
                // read from another thread than the parser's: a stale state only delays the cut to the next sweep
                HttpParser parser = connection.getParser();
                long begun = parser.getBeginNanoTime();
                if (parser.inHeaderState() && !parser.isStart() && begun != Long.MIN_VALUE
                        && NanoTime.since(begun) > deadlineNanos) {
                    log.info("closed a connection from {}: its request headers had not all arrived {} ms after the first byte",
                            connection.getEndPoint().getRemoteSocketAddress(), TimeUnit.NANOSECONDS.toMillis(deadlineNanos));
                    open.remove(connection);
                    connection.getEndPoint().close();
                }
            }
        } catch (RuntimeException e) {
            log.warn("the header deadline sweep failed; it runs again", e);
        } finally {
            schedule();
        }
    }
}
