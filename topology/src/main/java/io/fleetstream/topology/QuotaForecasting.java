package io.fleetstream.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How data quotas' run-out is forecast from usage records (all in event time: the records' own timestamps).
 *
 * @param horizon    a quota whose projected exhaustion is at most this far after its latest usage record gets one
 *                   record on the quota alerts topic
 * @param burnWindow the burn rate is the data used in this trailing window (ending at the latest usage record) over
 *                   the time those records cover; long enough to smooth a device's bursts, short enough to follow a
 *                   change in its behaviour
 * @param minRecords fewer usage records in the window than this give no rate: one burst is not a trend
 * @param minSpan    records covering less time than this give no rate either (a rate over seconds is noise)
 */
public record QuotaForecasting(Duration horizon, Duration burnWindow, int minRecords, Duration minSpan) {

    public static final Duration DEFAULT_HORIZON = Duration.ofHours(24);
    public static final Duration DEFAULT_BURN_WINDOW = Duration.ofHours(6);
    public static final int DEFAULT_MIN_RECORDS = 3;
    public static final Duration DEFAULT_MIN_SPAN = Duration.ofMinutes(30);

    public QuotaForecasting {
        requirePositive(horizon, "quota alert horizon");
        requirePositive(burnWindow, "quota burn window");
        requirePositive(minSpan, "quota burn minimum span");
        if (minRecords < 1) {
            throw new IllegalArgumentException("a burn rate needs at least one usage record, got " + minRecords);
        }
        if (minSpan.compareTo(burnWindow) > 0) {
            throw new IllegalArgumentException("the quota burn window (" + burnWindow + ") must be at least the minimum span "
                    + minSpan + " a rate is computed over");
        }
    }

    public QuotaForecasting(Duration horizon, Duration burnWindow) {
        this(horizon, burnWindow, DEFAULT_MIN_RECORDS, DEFAULT_MIN_SPAN);
    }

    public static QuotaForecasting defaults() {
        return new QuotaForecasting(DEFAULT_HORIZON, DEFAULT_BURN_WINDOW);
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
        }
    }
}
