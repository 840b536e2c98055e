package io.fleetstream.topology;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.topology.device.DeviceMeters;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.quota.QuotaMeters;
import io.fleetstream.topology.quota.QuotaStateProcessor;
import io.fleetstream.topology.routing.RoutingMeters;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology's own meters on the real topology: counters count what the topology did, and the gauges over the stores
 * (counted once at task start, then following every write) always equal a full scan of the stores.
 */
class TopologyMetersTest {

    /** No lateness: events are applied as they arrive, so a test sees each change at once. */
    private static final TopologyConfig CONFIG = new TopologyConfig(Topics.withDefaultPrefix(),
            TopologyConfig.DEFAULT_DEDUPE_RETENTION, new DeviceTimers(Duration.ofMinutes(5), Duration.ZERO,
            Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofSeconds(5)));

    @TempDir
    Path stateDir;
    private final TestEvents a = new TestEvents(1001);
    private final TestEvents b = new TestEvents(2002);
    private final TestEvents c = new TestEvents(3003);

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void eachEventIsCountedInItsCategoryOnceAndEveryCopyAsADuplicate() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir.resolve("run"), T0)) {
            EmnifyEvent create = a.createPdp(at(0), "s1");
            EmnifyEvent location = a.updateLocation(at(1));
            f.send(create);
            f.send(location);
            f.send(b.createPdp(at(2), "t1"));
            f.send(b.ofType(999, at(3))); // an id the catalog does not know: other
            f.send(TestEvents.copyOf(create));
            f.send(TestEvents.copyOf(create));
            f.send(TestEvents.copyOf(location));

            assertThat(routed(f.meters, EventCategory.DATA_CONNECTION)).isEqualTo(2);
            assertThat(routed(f.meters, EventCategory.NETWORK_ATTACHMENT)).isEqualTo(1);
            assertThat(routed(f.meters, EventCategory.OTHER)).isEqualTo(1);
            assertThat(routed(f.meters, EventCategory.SMS_QUOTA)).as("every category exists from the start").isZero();
            assertThat(f.meters.get(RoutingMeters.DUPLICATES).counter().count()).isEqualTo(3);
            // what was counted is what the category topics got
            assertThat(f.topic(f.topics.category(EventCategory.DATA_CONNECTION)).readValuesToList()).hasSize(2);
        }
    }

    @Test
    void aLateEventIsCountedWhereTheDeviceProcessorDropsIt() {
        TopologyConfig withLateness = CONFIG.withDeviceTimers(CONFIG.deviceTimers().withLateness(Duration.ofSeconds(30)));
        try (TopologyFixture f = new TopologyFixture(withLateness, stateDir.resolve("run"), T0)) {
            f.send(a.createPdp(at(0), "s1"));
            f.send(a.deletePdp(at(1), "s1", at(0), 1, 1));
            f.send(c.updateLocation(at(10)));
            f.send(c.updateLocation(T0.plus(Duration.ofMinutes(10).plusSeconds(40))));
            assertThat(f.meters.get(DeviceMeters.LATE_EVENTS).counter().count()).isZero();

            f.send(a.createPdp(at(4), "s2")); // the window expired at 6:00 and was applied: too late for a
            f.send(c.ofType(999, at(11))); // not a connectivity event: never late

            assertThat(f.meters.get(DeviceMeters.LATE_EVENTS).counter().count()).isEqualTo(1);
        }
    }

    @Test
    void deviceGaugesFollowEveryWriteAndStatusChange() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir.resolve("run"), T0)) {
            assertThat(devices(f.meters, ConnectivityStatus.ONLINE)).isZero();

            f.send(a.updateLocation(at(0)));
            f.send(b.updateLocation(at(0)));
            assertThat(devices(f.meters, ConnectivityStatus.ATTACHED)).isEqualTo(2);
            assertGaugesMatchTheStores(f);

            f.send(a.createPdp(at(1), "s1"));
            f.send(b.createPdp(at(1), "t1"));
            f.send(c.createPdp(at(1), "u1"));
            assertThat(devices(f.meters, ConnectivityStatus.ONLINE)).isEqualTo(3);
            assertThat(devices(f.meters, ConnectivityStatus.ATTACHED)).isZero();
            assertThat(online(f.meters)).isEqualTo(3);
            assertGaugesMatchTheStores(f);

            // a session ends: ATTACHED, still online, an offline pending
            f.send(a.deletePdp(at(2), "s1", at(1), 1, 1));
            assertThat(devices(f.meters, ConnectivityStatus.ATTACHED)).isEqualTo(1);
            assertThat(online(f.meters)).isEqualTo(3);
            assertThat(timersPending(f.meters)).isEqualTo(1);
            assertGaugesMatchTheStores(f);

            f.send(b.blocked(at(3)));
            f.send(c.purge(at(3)));
            assertThat(devices(f.meters, ConnectivityStatus.BLOCKED)).isEqualTo(1);
            assertThat(devices(f.meters, ConnectivityStatus.OFFLINE)).isEqualTo(1);
            assertThat(online(f.meters)).isEqualTo(2);
            assertGaugesMatchTheStores(f);

            // the clock passes a's due time: the timer fires, a goes offline
            f.send(c.updateLocation(at(20)));
            assertThat(timersPending(f.meters)).isZero();
            assertThat(online(f.meters)).isEqualTo(1);
            assertGaugesMatchTheStores(f);
        }
    }

    @Test
    void aRestartedTaskCountsItsRestoredStoreOnce() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        Path crashed = stateDir.resolve("crashed");
        TopologyFixture f = new TopologyFixture(CONFIG, stateDir.resolve("run"), T0, registry);
        f.send(a.createPdp(at(0), "s1"));
        f.send(b.createPdp(at(0), "t1"));
        f.send(b.deletePdp(at(1), "t1", at(0), 1, 1));
        f.send(c.quota(56, at(1), assignment()));
        f.driver.advanceWallClockTime(Duration.ofSeconds(1));
        TopologyFixture.copyStateDirectory(stateDir.resolve("run"), crashed);
        assertThat(online(f.meters)).isEqualTo(2);
        f.close();
        assertThat(online(f.meters)).as("a closed task's counts go with it").isZero();
        assertThat(quotas(f.meters, "data", QuotaStatus.ACTIVE)).isZero();

        try (TopologyFixture restarted = new TopologyFixture(CONFIG, crashed, at(2), registry)) {
            assertThat(online(restarted.meters)).isEqualTo(2);
            assertThat(devices(restarted.meters, ConnectivityStatus.ONLINE)).isEqualTo(1);
            assertThat(devices(restarted.meters, ConnectivityStatus.ATTACHED)).isEqualTo(1);
            assertThat(timersPending(restarted.meters)).isEqualTo(1);
            assertThat(quotas(restarted.meters, "data", QuotaStatus.ACTIVE)).isEqualTo(1);
            assertGaugesMatchTheStores(restarted);
        }
    }

    @Test
    void quotaGaugesCountEachEndpointOncePerKind() {
        try (TopologyFixture f = new TopologyFixture(CONFIG, stateDir.resolve("run"), T0)) {
            f.send(a.quota(56, at(0), assignment()));
            f.send(b.quota(58, at(0), assignment()));
            assertThat(quotas(f.meters, "data", QuotaStatus.ACTIVE)).isEqualTo(1);
            assertThat(quotas(f.meters, "data", QuotaStatus.NONE)).isEqualTo(1);
            assertThat(quotas(f.meters, "sms", QuotaStatus.ACTIVE)).isEqualTo(1);
            assertThat(quotas(f.meters, "sms", QuotaStatus.NONE)).isEqualTo(1);

            f.send(a.quota(19, at(5), QuotaDetail.newBuilder().setVolume(-0.5).build()));
            f.send(b.quota(61, at(5), QuotaDetail.newBuilder().build()));
            assertThat(quotas(f.meters, "data", QuotaStatus.ACTIVE)).isZero();
            assertThat(quotas(f.meters, "data", QuotaStatus.EXHAUSTED)).isEqualTo(1);
            assertThat(quotas(f.meters, "sms", QuotaStatus.EXPIRED)).isEqualTo(1);
            assertGaugesMatchTheStores(f);
        }
    }

    private static QuotaDetail assignment() {
        return QuotaDetail.newBuilder().setStatusId(1).setVolume(100.0).setLastVolumeAdded(100.0)
                .setThresholdPercentage(20.0).setThresholdVolume(20.0).setActionOnExhaustionId(1)
                .setPeakThroughput(128000L).setExpiry(Instant.parse("2025-04-01T00:00:00Z")).setAutoRefill(false)
                .build();
    }

    /** Every gauge equals what a full scan of the stores counts; the pending timers equal the timer index's entries. */
    private static void assertGaugesMatchTheStores(TopologyFixture f) {
        Map<ConnectivityStatus, Long> byStatus = new EnumMap<>(ConnectivityStatus.class);
        long online = 0;
        long due = 0;
        KeyValueStore<String, DeviceState> devices = f.driver.getKeyValueStore(DeviceStateProcessor.STATE_STORE);
        try (KeyValueIterator<String, DeviceState> it = devices.all()) {
            while (it.hasNext()) {
                DeviceState state = it.next().value;
                byStatus.merge(state.getStatus(), 1L, Long::sum);
                online += state.getOnline() ? 1 : 0;
                due += state.getOfflineDueAt() != null ? 1 : 0;
            }
        }
        for (ConnectivityStatus status : ConnectivityStatus.values()) {
            assertThat(devices(f.meters, status)).as(status.name()).isEqualTo(byStatus.getOrDefault(status, 0L));
        }
        assertThat(online(f.meters)).isEqualTo(online);
        assertThat(timersPending(f.meters)).isEqualTo(due);
        long timers = 0;
        KeyValueStore<Bytes, byte[]> timerStore = f.driver.getKeyValueStore(DeviceStateProcessor.TIMER_STORE);
        try (KeyValueIterator<Bytes, byte[]> it = timerStore.all()) {
            while (it.hasNext()) {
                it.next();
                timers++;
            }
        }
        assertThat(timersPending(f.meters)).as("timer index entries").isEqualTo(timers);

        Map<QuotaStatus, Long> data = new EnumMap<>(QuotaStatus.class);
        Map<QuotaStatus, Long> sms = new EnumMap<>(QuotaStatus.class);
        KeyValueStore<String, QuotaState> quotas = f.driver.getKeyValueStore(QuotaStateProcessor.STATE_STORE);
        try (KeyValueIterator<String, QuotaState> it = quotas.all()) {
            while (it.hasNext()) {
                KeyValue<String, QuotaState> entry = it.next();
                data.merge(entry.value.getData().getStatus(), 1L, Long::sum);
                sms.merge(entry.value.getSms().getStatus(), 1L, Long::sum);
            }
        }
        for (QuotaStatus status : QuotaStatus.values()) {
            assertThat(quotas(f.meters, "data", status)).isEqualTo(data.getOrDefault(status, 0L));
            assertThat(quotas(f.meters, "sms", status)).isEqualTo(sms.getOrDefault(status, 0L));
        }
    }

    private static double routed(MeterRegistry meters, EventCategory category) {
        return meters.get(RoutingMeters.ROUTED).tag(RoutingMeters.CATEGORY_TAG, category.slug()).counter().count();
    }

    private static long devices(MeterRegistry meters, ConnectivityStatus status) {
        return (long) meters.get(DeviceMeters.DEVICES).tag(DeviceMeters.STATUS_TAG, status.name()).gauge().value();
    }

    private static long online(MeterRegistry meters) {
        return (long) meters.get(DeviceMeters.ONLINE).gauge().value();
    }

    private static long timersPending(MeterRegistry meters) {
        return (long) meters.get(DeviceMeters.TIMERS_PENDING).gauge().value();
    }

    private static long quotas(MeterRegistry meters, String kind, QuotaStatus status) {
        return (long) meters.get(QuotaMeters.QUOTAS).tag(QuotaMeters.KIND_TAG, kind.toLowerCase(Locale.ROOT))
                .tag(QuotaMeters.STATUS_TAG, status.name()).gauge().value();
    }
}
