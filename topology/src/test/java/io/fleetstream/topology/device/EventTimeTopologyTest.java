package io.fleetstream.topology.device;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.SessionEndReason;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-time clock of the device processor: one test for each way the presence used to depend on
 * how events arrived (bulk delivery read while the wall clock runs, a backfill and a live stream on one
 * partition, events out of order), and for what a late event does.
 */
class EventTimeTopologyTest {

    private static final Duration LATENESS = Duration.ofSeconds(30);
    private static final Duration ALLOWANCE = Duration.ofMinutes(2);
    private static final Duration SOURCE_IDLE = Duration.ofMinutes(2);
    private static final TopologyConfig CONFIG = TopologyConfig.defaults(Topics.withDefaultPrefix())
            .withDeviceTimers(new DeviceTimers(Duration.ofMinutes(5), LATENESS, ALLOWANCE, SOURCE_IDLE,
                    Duration.ofSeconds(5)));

    @TempDir
    Path stateDir;
    private final TestEvents a = new TestEvents(1001);
    private final TestEvents b = new TestEvents(2002);
    private final TestEvents other = new TestEvents(3003);

    private static Instant at(int minutes, int seconds) {
        return T0.plus(Duration.ofMinutes(minutes).plusSeconds(seconds));
    }

    /** The event as {@code source} delivered it, received by ingest at {@code receivedAt}. */
    private static EmnifyEvent via(IngestSource source, Instant receivedAt, EmnifyEvent event) {
        return EmnifyEvent.newBuilder(event).setIngest(new IngestMetadata(source, receivedAt)).build();
    }

    private static List<String> presenceOf(List<TestRecord<String, PresenceChange>> records, TestEvents device) {
        return records.stream().filter(r -> r.key().equals(device.key()))
                .map(r -> r.value().getTo() + "@" + r.value().getAt()).collect(Collectors.toList());
    }

    @Test
    void aBulkDeliveryReadWhileTheWallClockRunsFiresNoOfflineBeforeTheReconnectIsRead() {
        // hours-old history posted at full speed after a pause: the wall clock is far past every due time,
        // and punctuations run between the records, but the partition is never idle
        Instant now = at(180, 0);
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, now)) {
            List<EmnifyEvent> history = List.of(
                    a.createPdp(at(0, 0), "s1"),
                    a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1),
                    other.updateLocation(at(2, 0)),
                    other.updateLocation(at(4, 0)),
                    a.createPdp(at(5, 9), "s2"), // inside the window: no offline period at all
                    other.updateLocation(at(30, 0)));
            for (EmnifyEvent event : history) {
                f.send(via(IngestSource.STREAMER, now, event));
                f.driver.advanceWallClockTime(Duration.ofSeconds(20)); // punctuations between the records
            }
            assertThat(f.presence.isEmpty()).as("nothing settled while the delivery is read").isTrue();

            // then the partition is idle: the wall clock lets everything apply, in order
            f.driver.advanceWallClockTime(ALLOWANCE);
            f.driver.advanceWallClockTime(Duration.ofSeconds(5));
            assertThat(presenceOf(f.presence.readRecordsToList(), a)).containsExactly("ONLINE@" + at(0, 0));
            assertThat(f.driver.<String, DeviceState>getKeyValueStore(DeviceStateProcessor.STATE_STORE).get(a.key())
                    .getSession().getSessionId()).isEqualTo("s2");
        }
    }

    @Test
    void aCatchUpReorderedByMinutesAcrossBatchesIsAppliedInOrder() {
        // a Data Streamer catching up defers a device's events to the next batch: ten minutes of event time
        // behind the batch before it, but only half a second of arrival
        Instant now = at(180, 0);
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, now)) {
            f.send(via(IngestSource.STREAMER, now, a.createPdp(at(0, 0), "s1")));
            f.send(via(IngestSource.STREAMER, now, a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1)));
            f.send(via(IngestSource.STREAMER, now, other.updateLocation(at(15, 0))));
            f.send(via(IngestSource.STREAMER, now.plusMillis(500), a.createPdp(at(5, 9), "s2")));
            f.send(via(IngestSource.STREAMER, now.plusSeconds(31), other.updateLocation(at(16, 0))));

            assertThat(presenceOf(f.presence.readRecordsToList(), a)).containsExactly("ONLINE@" + at(0, 0));
            assertThat(lateEventTotal(f)).isZero();
        }
    }

    @Test
    void aLiveStreamDoesNotFireTheTimersOfABackfillOnTheSamePartition() {
        Instant now = at(600, 0);
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, now)) {
            // the poller backfills device a's history while the webhook delivers device b live, interleaved
            f.send(via(IngestSource.API, now, a.createPdp(at(0, 0), "s1")));
            f.send(via(IngestSource.STREAMER, now, b.createPdp(at(599, 0), "live")));
            f.send(via(IngestSource.API, now.plusSeconds(20), a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1)));
            f.send(via(IngestSource.STREAMER, now.plusSeconds(20), b.updateLocation(at(599, 30))));
            f.send(via(IngestSource.STREAMER, now.plusSeconds(40), b.updateLocation(at(600, 0))));
            f.send(via(IngestSource.API, now.plusSeconds(40), a.updateLocation(at(2, 0))));
            f.send(via(IngestSource.API, now.plusSeconds(60), a.createPdp(at(5, 9), "s2")));
            f.send(via(IngestSource.STREAMER, now.plusSeconds(60), b.updateLocation(at(600, 30))));
            f.send(via(IngestSource.API, now.plusSeconds(100), a.updateLocation(at(30, 0))));
            f.send(via(IngestSource.STREAMER, now.plusSeconds(100), b.updateLocation(at(601, 0))));

            assertThat(presenceOf(f.presence.readRecordsToList(), a)).containsExactly("ONLINE@" + at(0, 0));
            assertThat(f.driver.<String, DeviceState>getKeyValueStore(DeviceStateProcessor.STATE_STORE).get(a.key())
                    .getSession().getSessionId()).isEqualTo("s2");
        }
    }

    @Test
    void eventsOutOfOrderWithinTheBoundAreAppliedInEventTimeOrder() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, T0)) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.createPdp(at(1, 20), "s2")); // arrives 20 s of event time before the delete it follows
            f.send(a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1));
            f.send(other.updateLocation(at(3, 0)));

            DeviceState state = f.driver.<String, DeviceState>getKeyValueStore(DeviceStateProcessor.STATE_STORE)
                    .get(a.key());
            assertThat(state.getSession().getSessionId()).isEqualTo("s2");
            assertThat(state.getLastSession().getSessionId()).isEqualTo("s1");
            assertThat(state.getLastSession().getEndReason()).isEqualTo(SessionEndReason.DELETED);
            assertThat(state.getOfflineDueAt()).isNull();
            assertThat(presenceOf(f.presence.readRecordsToList(), a)).containsExactly("ONLINE@" + at(0, 0));
        }
    }

    @Test
    void derivedStateWaitsForTheLatenessBoundOfArrival() {
        // TestEvents' events arrive at their own time, as in live traffic without delay
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, T0)) {
            f.send(a.createPdp(at(0, 0), "s1"));
            assertThat(f.presence.isEmpty()).as("waits in the reorder buffer").isTrue();

            f.send(other.updateLocation(at(0, 29)));
            assertThat(f.presence.isEmpty()).isTrue();
            f.send(other.ofType(20, at(0, 30))); // any event moves the clock, not only connectivity events
            assertThat(presenceOf(f.presence.readRecordsToList(), a)).containsExactly("ONLINE@" + at(0, 0));
        }
    }

    @Test
    void aLateEventChangesNothingAndIsCounted() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, T0)) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1));
            f.send(other.updateLocation(at(10, 0)));
            f.send(other.updateLocation(at(10, 40))); // the clock is at 10:00: the window expired at 6:00
            f.send(a.createPdp(at(4, 0), "s2")); // a reconnect inside the window, arriving 6 minutes too late

            List<TestRecord<String, PresenceChange>> changes = f.presence.readRecordsToList();
            assertThat(presenceOf(changes, a)).containsExactly("ONLINE@" + at(0, 0), "OFFLINE@" + at(6, 0));
            DeviceState state = f.driver.<String, DeviceState>getKeyValueStore(DeviceStateProcessor.STATE_STORE)
                    .get(a.key());
            assertThat(state.getOnline()).isFalse();
            assertThat(state.getSession()).isNull();
            assertThat(lateEventTotal(f)).isEqualTo(1.0);
        }
    }

    @Test
    void aLateEventAfterTheDevicesLastChangeIsStillAppliedExactly() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, T0)) {
            f.send(b.createPdp(at(0, 0), "t1"));
            f.send(other.updateLocation(at(10, 0)));
            f.send(other.updateLocation(at(10, 40)));
            // behind the clock, but nothing of device a was applied yet: in order for a, so applied
            f.send(a.createPdp(at(2, 0), "s1"));

            assertThat(presenceOf(f.presence.readRecordsToList(), a)).containsExactly("ONLINE@" + at(2, 0));
            assertThat(lateEventTotal(f)).isZero();
        }
    }

    @Test
    void aSourceThatStoppedDeliveringNoLongerHoldsTheClockBack() {
        Instant now = at(60, 0);
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, now)) {
            f.send(via(IngestSource.STREAMER, now, b.updateLocation(at(1, 0)))); // one old webhook event, then nothing
            f.send(via(IngestSource.API, now, a.createPdp(at(50, 0), "s1")));
            f.send(via(IngestSource.API, now.plusSeconds(60), a.deletePdp(at(51, 0), "s1", at(50, 0), 1, 1)));
            assertThat(f.presence.isEmpty()).as("the webhook's clock at 0:30 still holds the partition").isTrue();

            // the poller goes on; two minutes of ingest time later the webhook no longer counts
            f.send(via(IngestSource.API, now.plus(SOURCE_IDLE).plusSeconds(1), other.updateLocation(at(57, 0))));
            f.send(via(IngestSource.API, now.plus(SOURCE_IDLE).plusSeconds(40), other.updateLocation(at(58, 0))));
            assertThat(presenceOf(f.presence.readRecordsToList(), a))
                    .containsExactly("ONLINE@" + at(50, 0), "OFFLINE@" + at(56, 0));
        }
    }

    @Test
    void aQuietPartitionShowsItsLastEventsOnceNothingArrivedForTheLateness() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, T0)) {
            f.send(a.createPdp(at(0, 0), "s1")); // one event, then nothing
            f.driver.advanceWallClockTime(Duration.ofSeconds(20));
            assertThat(f.presence.isEmpty()).as("a later event of its source may still arrive").isTrue();

            f.driver.advanceWallClockTime(Duration.ofSeconds(15));
            assertThat(presenceOf(f.presence.readRecordsToList(), a)).containsExactly("ONLINE@" + at(0, 0));
        }
    }

    @Test
    void aPartitionWithoutBacklogFollowsTheWallClockOnlyAfterTheAllowance() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, at(2, 0))) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1));
            assertThat(f.presence.readValuesToList()).extracting(PresenceChange::getTo).containsExactly(Presence.ONLINE);

            f.driver.advanceWallClockTime(Duration.ofMinutes(5)); // wall 7:00 − allowance = 5:00 < due 6:00
            assertThat(f.presence.isEmpty()).isTrue();
            f.driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(5));
            assertThat(f.presence.readValue().getAt()).isEqualTo(at(6, 0));
            assertThat(f.driver.<String, DeviceState>getKeyValueStore(DeviceStateProcessor.STATE_STORE).get(a.key())
                    .getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        }
    }

    private static double lateEventTotal(TopologyFixture f) {
        Map<MetricName, ? extends Metric> metrics = f.driver.metrics();
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals("late-event-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}
