package io.fleetstream.topology.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a device's active data quota is heading, as of its latest usage record. Volumes in MB, times in event time.
 *
 * @param remainingNowMb        the remaining volume of the last quota event minus the data used after it
 * @param burnRateMbPerHour     data used in the burn window over the time its records cover; null when the window holds
 *                              too few records or too short a span for a rate ({@code note} says which)
 * @param projectedExhaustionAt the latest usage record's end plus {@code remainingNowMb} at the rate (that end itself
 *                              when nothing is left); null without a rate or at a rate of zero
 * @param records               the usage records in the burn window
 * @param from                  the start of the earliest of them (null when there are none)
 * @param until                 the end of the latest of them (null when there are none)
 * @param note                  why there is no projection, or that the quota expires before it, or null
 * @param expiry                the quota's expiry, when its assignment named one
 */
public record QuotaForecast(double remainingNowMb, Double burnRateMbPerHour, Instant projectedExhaustionAt, int records,
                            Instant from, Instant until, String note, Instant expiry) {

    /** The projection is at most {@code horizon} after the latest usage record. */
    public boolean within(Duration horizon) {
        return projectedExhaustionAt != null && until != null && !projectedExhaustionAt.isAfter(until.plus(horizon));
    }

    /** The quota expires before the projected exhaustion: it never runs out at this rate. */
    public boolean expiresFirst() {
        return projectedExhaustionAt != null && expiry != null && expiry.isBefore(projectedExhaustionAt);
    }
}
