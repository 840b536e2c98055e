package io.fleetstream.topology.availability;

import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The real topology: the presence changes it derives from events land in the availability store and its changelog. */
class AvailabilityTopologyTest {

    /** Each device's events are sent in order: no lateness, so each is applied as it arrives. */
    private static final TopologyConfig CONFIG = TopologyConfig.defaults(Topics.withDefaultPrefix())
            .withDeviceTimers(DeviceTimers.defaults().withLateness(Duration.ZERO))
            .withHistory(new HistoryRetention(Duration.ofHours(1), Duration.ofMinutes(1)));

    @TempDir
    Path stateDir;
    private final TestEvents device = new TestEvents(5005);

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static long ms(int minutes) {
        return at(minutes).toEpochMilli();
    }

    /** Online at 0, purged at 60, online at 90, platform offline at 120, online at 150, timeout at 205 (delete at 200). */
    private void timeline(TopologyFixture f) {
        f.send(device.createPdp(at(0), "s1"));
        f.send(device.purge(at(60)));
        f.send(device.createPdp(at(90), "s2"));
        f.send(device.deviceOffline(at(120)));
        f.send(device.createPdp(at(150), "s3"));
        f.send(device.deletePdp(at(200), "s3", at(150), 1, 1));
        f.send(device.updateLocation(at(300))); // the device's own later event fires its pending offline first
    }

    @Test
    void presenceChangesLandInTheStoreWithTheirReasons() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, T0)) {
            timeline(f);

            KeyValueStore<Bytes, byte[]> store = f.driver.getKeyValueStore(AvailabilityProcessor.STORE);
            AvailabilityReport r = PresenceTimelines.device(store, device.endpointId(), ms(30), ms(240)).orElseThrow();

            assertThat(r.stateAtFrom()).isEqualTo(AvailabilityReport.State.ONLINE);
            assertThat(r.onlineMillis()).isEqualTo(Duration.ofMinutes(30 + 30 + 55).toMillis());
            assertThat(r.offlineMillis()).isEqualTo(Duration.ofMinutes(30 + 30 + 35).toMillis());
            assertThat(r.outages()).isEqualTo(3);
            assertThat(r.recoveredOutages()).isEqualTo(2);
            assertThat(r.meanTimeToRecoverMillis().getAsDouble()).isEqualTo(Duration.ofMinutes(30).toMillis());
            assertThat(r.offlinePeriods()).extracting(AvailabilityReport.OfflinePeriod::reason)
                    .containsExactly("PURGED", "PLATFORM", "PDP_TIMEOUT");
            assertThat(r.offlinePeriods().get(2).startMillis()).isEqualTo(ms(205));
            assertThat(r.offlinePeriods().get(2).ended()).isFalse();
            // exactly what the presence topic carried
            assertThat(f.presence.readValuesToList()).hasSize(6);
        }
    }

    @Test
    void theStoreIsLoggedToItsChangelog() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, T0)) {
            timeline(f);

            TestOutputTopic<Bytes, byte[]> changelog = f.driver.createOutputTopic(
                    "fleetstream-test-" + AvailabilityProcessor.STORE + "-changelog", Serdes.Bytes().deserializer(),
                    Serdes.ByteArray().deserializer());
            List<PresenceTransition> logged = new ArrayList<>();
            for (KeyValue<Bytes, byte[]> record : changelog.readKeyValuesToList()) {
                assertThat(TransitionKeys.endpointId(record.key.get())).isEqualTo(device.endpointId());
                logged.addAll(TransitionCodec.decode(TransitionKeys.atMillis(record.key.get()), record.value));
            }
            assertThat(logged).extracting(PresenceTransition::atMillis)
                    .containsExactly(ms(0), ms(60), ms(90), ms(120), ms(150), ms(205));
            assertThat(logged).extracting(PresenceTransition::online)
                    .containsExactly(true, false, true, false, true, false);
        }
    }

    @Test
    void theSweepKeepsTheRetentionAndTheStateAtItsHorizon() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir, at(300))) {
            timeline(f);
            // retention 1 h: at 330 the horizon is 270, so only the last change (timeout at 205) stays
            f.driver.advanceWallClockTime(Duration.ofMinutes(30));

            KeyValueStore<Bytes, byte[]> store = f.driver.getKeyValueStore(AvailabilityProcessor.STORE);
            List<Long> kept = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
                all.forEachRemaining(e -> kept.add(TransitionKeys.atMillis(e.key.get())));
            }
            assertThat(kept).containsExactly(ms(205));
            AvailabilityReport r = PresenceTimelines.device(store, device.endpointId(), ms(270), ms(330)).orElseThrow();
            assertThat(r.stateAtFrom()).isEqualTo(AvailabilityReport.State.OFFLINE);
            assertThat(r.offlineMillis()).isEqualTo(Duration.ofMinutes(60).toMillis());
        }
    }
}
