package io.fleetstream.ingest.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Everything logged while it is open, for tests that check what reaches a log file (and what must not). */
public final class CapturedLogs implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs() {
        appender.start();
        root().addAppender(appender);
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** Every captured line with its exception chain, as a log file would show it. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(appender.list)) {
            StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            out.add(line.toString());
        }
        return out;
    }

    @Override
    public void close() {
        root().detachAppender(appender);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
