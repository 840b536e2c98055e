package io.fleetstream.app.simulate;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One quota as emnify assigns it (events 56 and 58): a volume in MB (data) or SMS, valid until an expiry
 * date, a threshold that triggers a warning, and what happens once it is used up.
 */
record QuotaGrant(BigDecimal volume, Instant expiry, boolean autoRefill, int thresholdPercentage,
                  BigDecimal thresholdVolume, Exhaustion onExhaustion, Long peakThroughput) {

    /** emnify's {@code action_on_exhaustion} ids. */
    enum Exhaustion {
        BLOCK(1, "Block", "blocking"),
        THROTTLE(2, "Throttle", "throttling");

        final int id;
        final String description;
        final String verb;

        Exhaustion(int id, String description, String verb) {
            this.id = id;
            this.description = description;
            this.verb = verb;
        }
    }
}
