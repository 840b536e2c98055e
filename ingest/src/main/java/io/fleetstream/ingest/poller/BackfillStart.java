package io.fleetstream.ingest.poller;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a poller without a checkpoint starts: a time ago ({@code 7d}) or a moment ({@code 2024-05-01T00:00:00Z}).
 * emnify keeps 30 days of events, so a start further back could never be fetched and is refused.
 */
public sealed interface BackfillStart {

    /** emnify's event history: older events are gone from the API. */
    Duration HISTORY = Duration.ofDays(30);

    /** The instant to start from, given the time now. */
    Instant resolve(Instant now);

    /** A duration before the time the poller starts. */
    record Ago(Duration duration) implements BackfillStart {
        public Ago {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("backfill duration must be positive, got " + duration);
            }
            if (duration.compareTo(HISTORY) > 0) {
                throw new IllegalArgumentException("cannot backfill " + duration.toDays() + " days: emnify keeps only 30 days"
                        + " of events; use at most 30d");
            }
        }

        @Override
        public Instant resolve(Instant now) {
            return now.minus(duration);
        }
    }

    /** A fixed instant, which must lie within emnify's history (see {@link #requireWithinHistory}). */
    record At(Instant instant) implements BackfillStart {
        public At {
            Objects.requireNonNull(instant, "instant");
        }

        @Override
        public Instant resolve(Instant now) {
            return instant;
        }
    }

    /**
     * Refuses a start in the future or beyond emnify's 30 days, for configuration checks; a poller that resolves an
     * older start later (its checkpoint was lost) starts at the oldest time emnify still has instead.
     */
    default void requireWithinHistory(Instant now) {
        Instant start = resolve(now);
        if (start.isAfter(now)) {
            throw new IllegalArgumentException("backfill start " + start + " is in the future; give a past time"
                    + " within the last 30 days, or a duration such as 7d");
        }
        if (start.isBefore(now.minus(HISTORY))) {
            throw new IllegalArgumentException("backfill start " + start + " is more than 30 days ago, beyond"
                    + " emnify's event history; give a time after " + now.minus(HISTORY) + " or a duration of at most 30d");
        }
    }
}
