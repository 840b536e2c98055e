package io.fleetstream.app.simulate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * What traffic the {@link TrafficGenerator} makes: how many devices, from which seed, starting when,
 * and how much of it is format drift, at-least-once re-sends and quota traffic. The same profile always
 * yields the same events.
 *
 * @param devices           number of simulated devices, at least 1
 * @param seed              all randomness derives from it
 * @param start             simulated time of the first event (devices attach within the first minutes)
 * @param driftFraction     share of events written in one of emnify's alternative formats (0–1)
 * @param duplicateFraction share of events the Data Streamer sends a second time, later (0–1)
 * @param dataQuotaShare    share of devices that have data quotas assigned (0–1)
 * @param smsQuotaShare     share of devices that have SMS quotas assigned (0–1)
 * @param outage            a carrier outage to play, if any
 */
public record TrafficProfile(int devices, long seed, Instant start, double driftFraction,
                             double duplicateFraction, double dataQuotaShare, double smsQuotaShare,
                             Optional<CarrierOutage> outage) {

    public static final double DEFAULT_DRIFT_FRACTION = 0.05;
    public static final double DEFAULT_DUPLICATE_FRACTION = 0.01;
    public static final double DEFAULT_DATA_QUOTA_SHARE = 0.8;
    public static final double DEFAULT_SMS_QUOTA_SHARE = 0.3;

    public TrafficProfile {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(outage, "outage");
        if (devices < 1) {
            throw new IllegalArgumentException("the number of simulated devices must be at least 1, got " + devices);
        }
        requireFraction("drift fraction", driftFraction);
        requireFraction("duplicate fraction", duplicateFraction);
        requireFraction("data quota share", dataQuotaShare);
        requireFraction("SMS quota share", smsQuotaShare);
    }

    /** Default shares of drift, duplicates and quota traffic; the start is cut to whole seconds. */
    public static TrafficProfile of(int devices, long seed, Instant start) {
        return new TrafficProfile(devices, seed, start.truncatedTo(ChronoUnit.SECONDS), DEFAULT_DRIFT_FRACTION,
                DEFAULT_DUPLICATE_FRACTION, DEFAULT_DATA_QUOTA_SHARE, DEFAULT_SMS_QUOTA_SHARE, Optional.empty());
    }

    public TrafficProfile withDevices(int newDevices) {
        return new TrafficProfile(newDevices, seed, start, driftFraction, duplicateFraction, dataQuotaShare, smsQuotaShare, outage);
    }

    public TrafficProfile withSeed(long newSeed) {
        return new TrafficProfile(devices, newSeed, start, driftFraction, duplicateFraction, dataQuotaShare, smsQuotaShare, outage);
    }

    public TrafficProfile withStart(Instant newStart) {
        return new TrafficProfile(devices, seed, newStart, driftFraction, duplicateFraction, dataQuotaShare, smsQuotaShare, outage);
    }

    public TrafficProfile withDriftFraction(double fraction) {
        return new TrafficProfile(devices, seed, start, fraction, duplicateFraction, dataQuotaShare, smsQuotaShare, outage);
    }

    public TrafficProfile withDuplicateFraction(double fraction) {
        return new TrafficProfile(devices, seed, start, driftFraction, fraction, dataQuotaShare, smsQuotaShare, outage);
    }

    public TrafficProfile withQuotaShares(double dataShare, double smsShare) {
        return new TrafficProfile(devices, seed, start, driftFraction, duplicateFraction, dataShare, smsShare, outage);
    }

    /** The same traffic with this carrier outage played in it. */
    public TrafficProfile withOutage(CarrierOutage newOutage) {
        return new TrafficProfile(devices, seed, start, driftFraction, duplicateFraction, dataQuotaShare, smsQuotaShare,
                Optional.of(newOutage));
    }

    private static void requireFraction(String what, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException("the " + what + " must be between 0 and 1 (e.g. 0.05 for 5%), got " + value);
        }
    }
}
