package io.fleetstream.ingest.poller;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which time window to fetch next, from the last checkpoint and the time now. Plain logic, no I/O.
 *
 * <p>Each window reaches back by the overlap before the previous window's end, because emnify may list an event
 * some time after its timestamp: an event stamped inside the overlap that appeared late is still found. Windows
 * are at most {@code windowSize} long, so a backfill pages through history in slices and a crash costs at most one
 * slice; once caught up, a window is fetched every {@code pollInterval}. Window bounds are whole seconds and never
 * in the future.
 */
public final class WindowPlanner {

    private static final Duration SMALLEST_STEP = Duration.ofSeconds(1);

    private final Duration overlap;
    private final Duration windowSize;
    private final Duration pollInterval;
    private final Optional<BackfillStart> backfill;

    public WindowPlanner(Duration overlap, Duration windowSize, Duration pollInterval, Optional<BackfillStart> backfill) {
        this.overlap = Objects.requireNonNull(overlap, "overlap");
        this.windowSize = Objects.requireNonNull(windowSize, "windowSize");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.backfill = Objects.requireNonNull(backfill, "backfill");
    }

    public static WindowPlanner of(PollerConfig config) {
        return new WindowPlanner(config.overlap(), config.windowSize(), config.pollInterval(), config.backfill());
    }

    /** Where a poller that just became active starts, and why. */
    public record Start(PollerCheckpoint position, Origin origin) {
        public Start {
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /** Why a poller starts where it does. */
    public enum Origin {
        /** from the stored checkpoint */
        CHECKPOINT,
        /**
         * the stored checkpoint is older than emnify's history: the oldest time emnify still has, and the events
         * between the two can no longer be fetched
         */
        CHECKPOINT_BEYOND_HISTORY,
        /** no checkpoint: the configured backfill start (at most 30 days ago) */
        BACKFILL,
        /** no checkpoint and no backfill: now, so only new events are fetched */
        NOW
    }

    /** What to do next. */
    public sealed interface Step {
    }

    /**
     * Fetch this window. {@code catchingUp} is true when the window was cut at {@code windowSize} before reaching
     * now (a backfill or a catch-up after downtime), so the next one follows at once.
     */
    public record Fetch(PollWindow window, boolean catchingUp) implements Step {
    }

    /** Nothing to fetch before {@code until}. */
    public record Wait(Instant until) implements Step {
    }

    public Start start(Optional<PollerCheckpoint> stored, Instant now) {
        Instant oldest = seconds(now.minus(BackfillStart.HISTORY));
        if (stored.isPresent()) {
            PollerCheckpoint checkpoint = stored.get();
            if (checkpoint.windowEnd().isBefore(oldest)) {
                return new Start(PollerCheckpoint.at(oldest), Origin.CHECKPOINT_BEYOND_HISTORY);
            }
            return new Start(checkpoint, Origin.CHECKPOINT);
        }
        if (backfill.isPresent()) {
            Instant from = seconds(backfill.get().resolve(now));
            return new Start(PollerCheckpoint.at(from.isBefore(oldest) ? oldest : from), Origin.BACKFILL);
        }
        return new Start(PollerCheckpoint.at(seconds(now)), Origin.NOW);
    }

    public Step next(PollerCheckpoint position, Instant now) {
        Instant end = position.windowEnd();
        Instant due = end.plus(pollInterval);
        if (now.isBefore(due)) {
            return new Wait(due);
        }
        Instant horizon = seconds(now);
        Instant until = seconds(end.plus(windowSize));
        boolean catchingUp = until.isBefore(horizon);
        if (!catchingUp) {
            until = horizon;
        }
        if (!until.isAfter(end)) {
            // a poll interval below one second: no new whole second to fetch yet
            return new Wait(end.plus(SMALLEST_STEP));
        }
        return new Fetch(new PollWindow(seconds(end.minus(overlap)), until), catchingUp);
    }

    private static Instant seconds(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }
}
