package io.fleetstream.topology.availability;

import io.fleetstream.topology.availability.AvailabilityReport.OfflinePeriod;
import io.fleetstream.topology.availability.AvailabilityReport.State;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The availability arithmetic on timelines computed by hand; times are in minutes (× 60,000 ms). */
class AvailabilityReportTest {

    private static final long MIN = 60_000;

    private static PresenceTransition online(long minute) {
        return new PresenceTransition(minute * MIN, true, "PDP_CREATED", 100 + minute);
    }

    private static PresenceTransition offline(long minute, String reason) {
        return new PresenceTransition(minute * MIN, false, reason, 200 + minute);
    }

    private static AvailabilityReport report(PresenceTransition before, List<PresenceTransition> within, long from,
                                             long until) {
        return AvailabilityReport.of(Optional.ofNullable(before), within, from * MIN, until * MIN);
    }

    @Test
    void onlineAcrossTheRangeWithTwoRecoveredOutages() {
        // online since 0; off 60-90 (purged), off 120-150 (platform); range 30-180
        AvailabilityReport r = report(online(0), List.of(offline(60, "PURGED"), online(90), offline(120, "PLATFORM"),
                online(150)), 30, 180);

        assertThat(r.stateAtFrom()).isEqualTo(State.ONLINE);
        assertThat(r.knownFromMillis()).contains(30 * MIN);
        assertThat(r.onlineMillis()).isEqualTo(90 * MIN); // 30-60, 90-120, 150-180
        assertThat(r.offlineMillis()).isEqualTo(60 * MIN);
        assertThat(r.unknownMillis()).isZero();
        assertThat(r.outages()).isEqualTo(2);
        assertThat(r.recoveredOutages()).isEqualTo(2);
        assertThat(r.meanTimeToRecoverMillis().getAsDouble()).isEqualTo(30.0 * MIN);
        assertThat(r.availabilityPercent().getAsDouble()).isCloseTo(60.0, within(1e-9));
        assertThat(r.offlinePeriods()).containsExactly(
                new OfflinePeriod(60 * MIN, 90 * MIN, "PURGED", 260L, false, true),
                new OfflinePeriod(120 * MIN, 150 * MIN, "PLATFORM", 320L, false, true));
    }

    @Test
    void aDeviceOfflineAcrossFromCountsOfflineFromFromButIsNoOutageOfTheRange() {
        // offline since 10 (timeout), back at 40; range 20-60
        AvailabilityReport r = report(offline(10, "PDP_TIMEOUT"), List.of(online(40)), 20, 60);

        assertThat(r.stateAtFrom()).isEqualTo(State.OFFLINE);
        assertThat(r.offlineMillis()).isEqualTo(20 * MIN);
        assertThat(r.onlineMillis()).isEqualTo(20 * MIN);
        assertThat(r.outages()).isZero();
        assertThat(r.recoveredOutages()).isZero();
        assertThat(r.meanTimeToRecoverMillis()).isEmpty();
        assertThat(r.availabilityPercent().getAsDouble()).isEqualTo(50.0);
        assertThat(r.offlinePeriods()).containsExactly(
                new OfflinePeriod(20 * MIN, 40 * MIN, "PDP_TIMEOUT", 210L, true, true));
    }

    @Test
    void timeBeforeTheFirstKnownChangeIsUnknownAndNotInThePercentage() {
        // first change: online at 30; offline 45-50; range 0-60
        AvailabilityReport r = report(null, List.of(online(30), offline(45, "PURGED"), online(50)), 0, 60);

        assertThat(r.stateAtFrom()).isEqualTo(State.UNKNOWN);
        assertThat(r.knownFromMillis()).contains(30 * MIN);
        assertThat(r.unknownMillis()).isEqualTo(30 * MIN);
        assertThat(r.onlineMillis()).isEqualTo(25 * MIN);
        assertThat(r.offlineMillis()).isEqualTo(5 * MIN);
        assertThat(r.outages()).isEqualTo(1);
        assertThat(r.meanTimeToRecoverMillis().getAsDouble()).isEqualTo(5.0 * MIN);
        // 25 of 30 known minutes, not 25 of 60
        assertThat(r.availabilityPercent().getAsDouble()).isCloseTo(100.0 * 25 / 30, within(1e-9));
    }

    @Test
    void aRangeWithNoKnownChangeIsAllUnknownWithNoPercentage() {
        AvailabilityReport r = report(null, List.of(), 0, 60);

        assertThat(r.stateAtFrom()).isEqualTo(State.UNKNOWN);
        assertThat(r.knownFromMillis()).isEmpty();
        assertThat(r.unknownMillis()).isEqualTo(60 * MIN);
        assertThat(r.availabilityPercent()).isEmpty();
        assertThat(r.offlinePeriods()).isEmpty();
    }

    @Test
    void anOutageOpenAtUntilEndsThereAndIsNotRecovered() {
        // online since 0, offline at 40 and still at 60; range 0-60 (the change at 0 is in the range)
        AvailabilityReport r = report(null, List.of(online(0), offline(40, "PDP_TIMEOUT")), 0, 60);

        assertThat(r.stateAtFrom()).as("the change at from is in the range, not before it").isEqualTo(State.UNKNOWN);
        assertThat(r.knownFromMillis()).contains(0L);
        assertThat(r.unknownMillis()).isZero();
        assertThat(r.onlineMillis()).isEqualTo(40 * MIN);
        assertThat(r.offlineMillis()).isEqualTo(20 * MIN);
        assertThat(r.outages()).isEqualTo(1);
        assertThat(r.recoveredOutages()).isZero();
        assertThat(r.meanTimeToRecoverMillis()).isEmpty();
        assertThat(r.offlinePeriods()).containsExactly(
                new OfflinePeriod(40 * MIN, 60 * MIN, "PDP_TIMEOUT", 240L, false, false));
    }

    @Test
    void offlineThroughTheWholeRange() {
        AvailabilityReport r = report(offline(5, "PURGED"), List.of(), 10, 70);

        assertThat(r.offlineMillis()).isEqualTo(60 * MIN);
        assertThat(r.availabilityPercent().getAsDouble()).isZero();
        assertThat(r.outages()).isZero();
        assertThat(r.offlinePeriods()).containsExactly(new OfflinePeriod(10 * MIN, 70 * MIN, "PURGED", 205L, true, false));
    }

    @Test
    void twoChangesInOneMillisecondMakeAZeroLengthOutage() {
        AvailabilityReport r = report(online(0), List.of(offline(30, "PURGED"), online(30)), 10, 70);

        assertThat(r.onlineMillis()).isEqualTo(60 * MIN);
        assertThat(r.outages()).isEqualTo(1);
        assertThat(r.recoveredOutages()).isEqualTo(1);
        assertThat(r.meanTimeToRecoverMillis().getAsDouble()).isZero();
        assertThat(r.availabilityPercent().getAsDouble()).isEqualTo(100.0);
    }

    @Test
    void aRepeatedStateChangesNothing() {
        AvailabilityReport r = report(online(0), List.of(online(20), offline(30, "PURGED"), offline(40, "PLATFORM")), 10, 50);

        assertThat(r.onlineMillis()).isEqualTo(20 * MIN);
        assertThat(r.offlineMillis()).isEqualTo(20 * MIN);
        assertThat(r.outages()).isEqualTo(1);
        assertThat(r.offlinePeriods()).singleElement().satisfies(p -> assertThat(p.reason()).isEqualTo("PURGED"));
    }

    @Test
    void emptyAndReversedRangesAreRefused() {
        assertThatThrownBy(() -> report(null, List.of(), 10, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> report(null, List.of(), 10, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void changesOutsideTheirPlaceAreRefused() {
        assertThatThrownBy(() -> report(online(10), List.of(), 10, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> report(null, List.of(online(20)), 10, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> report(null, List.of(online(15), offline(12, "PURGED")), 10, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
