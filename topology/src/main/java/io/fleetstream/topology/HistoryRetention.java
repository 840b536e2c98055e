package io.fleetstream.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the queryable event history keeps events.
 *
 * @param retention     how long an event stays in history, counted from its own time
 * @param purgeInterval how often (wall clock) events past the retention are removed
 */
public record HistoryRetention(Duration retention, Duration purgeInterval) {
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(1);

    public HistoryRetention {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(purgeInterval, "purgeInterval");
    }

    public static HistoryRetention defaults() {
        return new HistoryRetention(DEFAULT_RETENTION, DEFAULT_PURGE_INTERVAL);
    }
}
