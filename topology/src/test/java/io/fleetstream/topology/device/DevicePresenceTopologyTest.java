package io.fleetstream.topology.device;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.PresenceReason;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class DevicePresenceTopologyTest {

    private static final Duration LATENESS = Duration.ofSeconds(30);
    private static final Duration ALLOWANCE = Duration.ofMinutes(2);
    /**
     * These tests send each device's events in order, so with no lateness allowed every event is
     * applied as it arrives; {@link EventTimeTopologyTest} covers the reorder buffer and the clock.
     */
    private static final TopologyConfig CONFIG = new TopologyConfig(Topics.withDefaultPrefix(),
            TopologyConfig.DEFAULT_DEDUPE_RETENTION, new DeviceTimers(Duration.ofMinutes(5), Duration.ZERO, ALLOWANCE, Duration.ofMinutes(2),
                    Duration.ofSeconds(5)));

    @TempDir
    Path stateDir;
    private final TestEvents a = new TestEvents(1001);
    private final TestEvents b = new TestEvents(2002);

    private static Instant at(int minutes, int seconds) {
        return T0.plus(Duration.ofMinutes(minutes).plusSeconds(seconds));
    }

    /** the wall clock starts where the events are, as in live traffic */
    private TopologyFixture start() {
        return new TopologyFixture(CONFIG, stateDir, T0);
    }

    @Test
    void reconnectInsideTheWindowEmitsOnlyTheFirstOnline() {
        try (TopologyFixture f = start()) {
            f.send(a.updateLocation(at(0, 0)));
            f.send(a.createPdp(at(0, 10), "s1"));
            f.send(a.deletePdp(at(10, 0), "s1", at(0, 10), 1, 1));
            f.send(a.createPdp(at(14, 59), "s2"));
            f.send(b.updateLocation(at(40, 0))); // stream time moves far past the old due time
            f.driver.advanceWallClockTime(Duration.ofMinutes(30));

            List<PresenceChange> changes = f.presence.readValuesToList();
            assertThat(changes).singleElement().satisfies(c -> {
                assertThat(c.getTo()).isEqualTo(Presence.ONLINE);
                assertThat(c.getAt()).isEqualTo(at(0, 10));
            });
            assertThat(f.deviceStates.readKeyValuesToMap().get(a.key()).getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
        }
    }

    @Test
    void streamTimePassingTheDueTimeFiresTheOfflineStampedAtTheDueTime() {
        try (TopologyFixture f = new TopologyFixture(CONFIG.withDeviceTimers(CONFIG.deviceTimers().withLateness(LATENESS)),
                stateDir, T0)) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.deletePdp(at(10, 0), "s1", at(0, 0), 1, 1));
            f.presence.readValuesToList();

            f.send(b.updateLocation(at(15, 20))); // past due, but it arrived less than the lateness bound ago
            assertThat(f.presence.isEmpty()).isTrue();

            f.send(b.updateLocation(at(15, 50))); // 15:20 arrived 30 s ago: the clock is at 15:20
            TestRecord<String, PresenceChange> offline = f.presence.readRecord();
            assertThat(offline.key()).isEqualTo(a.key());
            assertThat(offline.value().getTo()).isEqualTo(Presence.OFFLINE);
            assertThat(offline.value().getAt()).isEqualTo(at(15, 0));
            assertThat(offline.value().getReason()).isEqualTo(PresenceReason.PDP_TIMEOUT);
            assertThat(f.presence.isEmpty()).isTrue();

            DeviceState last = f.deviceStates.readKeyValuesToMap().get(a.key());
            assertThat(last.getOnline()).isFalse();
            assertThat(last.getOfflineDueAt()).isNull();
        }
    }

    @Test
    void theDevicesOwnLaterEventFiresItsOfflineBeforeItsOnline() {
        try (TopologyFixture f = start()) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.deletePdp(at(10, 0), "s1", at(0, 0), 1, 1));
            f.send(a.createPdp(at(16, 0), "s2"));

            List<PresenceChange> changes = f.presence.readValuesToList();
            assertThat(changes).extracting(PresenceChange::getTo)
                    .containsExactly(Presence.ONLINE, Presence.OFFLINE, Presence.ONLINE);
            assertThat(changes).extracting(PresenceChange::getAt).containsExactly(at(0, 0), at(15, 0), at(16, 0));
        }
    }

    @Test
    void anIdlePartitionStillGoesOfflineOnWallClockTime() {
        try (TopologyFixture f = start()) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1));
            f.presence.readValuesToList();

            f.driver.advanceWallClockTime(Duration.ofMinutes(7)); // due at 6:00, allowance 2 min → not yet
            assertThat(f.presence.isEmpty()).isTrue();

            f.driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(5));
            PresenceChange offline = f.presence.readValue();
            assertThat(offline.getTo()).isEqualTo(Presence.OFFLINE);
            assertThat(offline.getAt()).isEqualTo(at(6, 0));
        }
    }

    @Test
    void aPendingOfflineStillFiresAfterARestart() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        Path crashed = stateDir.resolve("left-behind");
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir.resolve("running"), T0, registry)) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.deletePdp(at(1, 0), "s1", at(0, 0), 1, 1));
            assertThat(f.presence.readValuesToList()).hasSize(1);
            // TopologyTestDriver deletes its state directory on close; an instance that dies leaves it
            // behind as it is after the last commit, which is what the restarted driver starts from
            TopologyFixture.copyStateDirectory(stateDir.resolve("running"), crashed);
        }

        try (TopologyFixture restarted = new TopologyFixture(CONFIG, crashed, at(30, 0), registry)) {
            // no record since the restart for the allowance: the partition has no backlog, the wall clock moves it
            restarted.driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(restarted.presence.isEmpty()).as("a restarted task may still be reading a backlog").isTrue();
            restarted.driver.advanceWallClockTime(ALLOWANCE);

            PresenceChange offline = restarted.presence.readValue();
            assertThat(offline.getTo()).isEqualTo(Presence.OFFLINE);
            assertThat(offline.getAt()).isEqualTo(at(6, 0));
            KeyValueStore<String, DeviceState> store = restarted.driver.getKeyValueStore(DeviceStateProcessor.STATE_STORE);
            assertThat(store.get(a.key()).getOnline()).isFalse();
        }
    }

    @Test
    void duplicatesAndOutOfOrderEventsDoNotDisturbTheState() {
        try (TopologyFixture f = start()) {
            var create = a.createPdp(at(0, 0), "s1");
            var delete = a.deletePdp(at(10, 0), "s1", at(0, 0), 1, 1);
            f.send(create);
            f.send(delete);
            f.send(TestEvents.copyOf(create));
            f.send(a.updateLocation(at(5, 0))); // older than the delete: history only

            DeviceState state = f.deviceStates.readKeyValuesToMap().get(a.key());
            assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
            assertThat(state.getSessions()).isEqualTo(1);
            assertThat(state.getLastEventId()).isEqualTo(delete.getId());
            assertThat(f.presence.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void organisationLevelEventsDoNotCreateDevices() {
        try (TopologyFixture f = start()) {
            var orgEvent = a.base(52, "Data quota enabled", 2, at(0, 0)).setEndpoint(null).build();
            f.send(orgEvent);

            assertThat(f.deviceStates.isEmpty()).isTrue();
        }
    }

    @Test
    void purgeWhileOnlineIsAnImmediateOfflineAndAPendingOfflineIsCancelled() {
        try (TopologyFixture f = start()) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.purge(at(3, 0)));
            f.send(b.createPdp(at(0, 0), "t1"));
            f.send(b.deletePdp(at(1, 0), "t1", at(0, 0), 1, 1));
            f.send(b.purgeGprs(at(2, 0)));
            f.send(b.updateLocation(at(30, 0))); // far past b's old due time: nothing more may fire

            List<PresenceChange> changes = f.presence.readValuesToList();
            assertThat(changes).extracting(c -> c.getEndpointId() + " " + c.getTo() + " " + c.getReason())
                    .containsExactly("1001 ONLINE PDP_CREATED", "1001 OFFLINE PURGED",
                            "2002 ONLINE PDP_CREATED", "2002 OFFLINE PURGED");
            var states = f.deviceStates.readKeyValuesToMap();
            assertThat(states.get(a.key()).getStatus()).isEqualTo(ConnectivityStatus.OFFLINE);
            assertThat(states.get(b.key()).getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        }
    }

    @Test
    void blockedThenUnblockedByANewSession() {
        try (TopologyFixture f = start()) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.blocked(at(1, 0)));
            f.send(a.deletePdp(at(1, 1), "s1", at(0, 0), 5, 5));
            f.send(a.createPdp(at(20, 0), "s2"));

            List<DeviceState> states = f.deviceStates.readValuesToList();
            // the window expires (6:01) before the create at 20:00 is applied: a state of its own, offline and blocked
            assertThat(states).extracting(DeviceState::getStatus).containsExactly(ConnectivityStatus.ONLINE,
                    ConnectivityStatus.BLOCKED, ConnectivityStatus.BLOCKED, ConnectivityStatus.BLOCKED,
                    ConnectivityStatus.ONLINE);
            assertThat(states.get(3).getOnline()).isFalse();
            assertThat(f.presence.readValuesToList()).extracting(PresenceChange::getReason)
                    .containsExactly(PresenceReason.PDP_CREATED, PresenceReason.PDP_TIMEOUT, PresenceReason.PDP_CREATED);
        }
    }

    @Test
    void rejectedCreateWhileOfflineAndADeleteOfAnOlderSessionChangeNoPresence() {
        try (TopologyFixture f = start()) {
            f.send(a.updateLocation(at(0, 0)));
            f.send(a.rejectedCreate(at(1, 0)));
            f.send(a.createPdp(at(2, 0), "s1"));
            f.send(a.createPdp(at(3, 0), "s2"));
            f.send(a.deletePdp(at(4, 0), "s1", at(2, 0), 1, 1));

            assertThat(f.presence.readValuesToList()).singleElement()
                    .satisfies(c -> assertThat(c.getAt()).isEqualTo(at(2, 0)));
            DeviceState last = f.deviceStates.readKeyValuesToMap().get(a.key());
            assertThat(last.getRejections()).isEqualTo(1);
            assertThat(last.getLastRejection().getReason()).contains("no quota");
            assertThat(last.getSession().getSessionId()).isEqualTo("s2");
            assertThat(last.getOfflineDueAt()).isNull();
        }
    }

    @Test
    void platformDeviceOfflineTakesAnOnlineDeviceOffline() {
        try (TopologyFixture f = start()) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(a.deviceOffline(at(2, 0)));

            assertThat(f.presence.readValuesToList()).extracting(PresenceChange::getReason)
                    .containsExactly(PresenceReason.PDP_CREATED, PresenceReason.PLATFORM);
            assertThat(f.deviceStates.readKeyValuesToMap().get(a.key()).getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        }
    }
}
