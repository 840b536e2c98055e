package io.fleetstream.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the device processor's event-time clock and presence timers: part of the topology's
 * configuration, so that configuration does not depend on the processor.
 *
 * @param offlineWindow       emnify's rule: offline when no session starts this long after the last one ended
 * @param lateness            how long (in arrival, that is ingest, time) after a later event of its source an
 *                            event may arrive and still be applied in order; derived state waits this much
 * @param wallClockAllowance  a partition with no record for this long is idle, and its clock follows the
 *                            wall clock minus this much
 * @param sourceIdle          a source with no record for this long (in ingest time, against the partition's
 *                            latest record) no longer holds the partition's clock back
 * @param punctuationInterval how often the wall clock is looked at
 */
public record DeviceTimers(Duration offlineWindow, Duration lateness, Duration wallClockAllowance, Duration sourceIdle,
                           Duration punctuationInterval) {

    public static final Duration DEFAULT_OFFLINE_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LATENESS = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WALL_CLOCK_ALLOWANCE = Duration.ofMinutes(2);
    public static final Duration DEFAULT_SOURCE_IDLE = Duration.ofMinutes(2);
    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(5);

    public DeviceTimers {
        Objects.requireNonNull(offlineWindow, "offlineWindow");
        Objects.requireNonNull(lateness, "lateness");
        Objects.requireNonNull(wallClockAllowance, "wallClockAllowance");
        Objects.requireNonNull(sourceIdle, "sourceIdle");
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        if (lateness.isNegative() || wallClockAllowance.isNegative() || sourceIdle.isNegative()) {
            throw new IllegalArgumentException("lateness, wall-clock allowance and source idle time must not be "
                    + "negative, got " + lateness + ", " + wallClockAllowance + ", " + sourceIdle);
        }
    }

    public static DeviceTimers defaults() {
        return new DeviceTimers(DEFAULT_OFFLINE_WINDOW, DEFAULT_LATENESS, DEFAULT_WALL_CLOCK_ALLOWANCE,
                DEFAULT_SOURCE_IDLE, DEFAULT_PUNCTUATION_INTERVAL);
    }

    public DeviceTimers withLateness(Duration value) {
        return new DeviceTimers(offlineWindow, value, wallClockAllowance, sourceIdle, punctuationInterval);
    }
}
