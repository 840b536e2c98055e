package io.fleetstream.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * What the console shows. For the roles, everything their loggers let through. For {@code local}
 * ({@code fleetstreamOnly}): fleetstream's own loggers, and an ERROR from anything (a broker that cannot start, a
 * stream thread that died); the embedded broker's, Kafka Streams', the clients' and Jetty's INFO and WARN lines, which
 * mean nothing to a user (Kafka retries an {@code OutOfOrderSequenceException} at the first transaction by itself),
 * are in {@code <data-dir>/logs/local.log} only (logback-local.xml).
 */
public final class FleetstreamConsole extends Filter<ILoggingEvent> {

    static final String FLEETSTREAM = "io.fleetstream";

    private boolean fleetstreamOnly;

    /** Set by Logback from the configuration. */
    public void setFleetstreamOnly(boolean fleetstreamOnly) {
        this.fleetstreamOnly = fleetstreamOnly;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (!fleetstreamOnly) {
            return FilterReply.NEUTRAL;
        }
        String logger = event.getLoggerName();
        boolean own = logger.equals(FLEETSTREAM) || logger.startsWith(FLEETSTREAM + ".");
        return own || event.getLevel().isGreaterOrEqual(Level.ERROR) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
