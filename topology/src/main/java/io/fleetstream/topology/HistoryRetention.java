package io.fleetstream.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the queryable event history keeps events.
 *
 * @param retention      how long an event stays in history, counted from its own time
 * @param purgeInterval  how often (wall clock) the expiry sweep takes a step
 * @param scopesPerPurge how many devices and organisations one step of the sweep visits: a full sweep takes
 *                       (devices + organisations) / scopesPerPurge purge intervals
 */
public record HistoryRetention(Duration retention, Duration purgeInterval, int scopesPerPurge) {
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_SCOPES_PER_PURGE = 2_000;

    public HistoryRetention {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(purgeInterval, "purgeInterval");
        if (scopesPerPurge < 1) {
            throw new IllegalArgumentException("a purge must visit at least one scope, got " + scopesPerPurge);
        }
    }

    public HistoryRetention(Duration retention, Duration purgeInterval) {
        this(retention, purgeInterval, DEFAULT_SCOPES_PER_PURGE);
    }

    public static HistoryRetention defaults() {
        return new HistoryRetention(DEFAULT_RETENTION, DEFAULT_PURGE_INTERVAL);
    }
}
