package io.fleetstream.topology.history;

import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class EventHistoryTopologyTest {

    private static final Duration RETENTION = Duration.ofDays(90);

    @TempDir
    Path stateDir;
    private TopologyFixture fixture;
    private EventHistoryReader reader;
    private final TestEvents device = new TestEvents(6001, 88);
    private final TestEvents neighbour = new TestEvents(6002, 88);
    private final TestEvents stranger = new TestEvents(7001, 99);

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix())
                .withHistory(new HistoryRetention(RETENTION, Duration.ofMinutes(1))), stateDir, T0);
        reader = new EventHistoryReader(fixture.serdes.forValue(EmnifyEvent.class).deserializer(), fixture.topics.raw());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private KeyValueStore<Bytes, byte[]> history() {
        return fixture.driver.getKeyValueStore(EventHistoryProcessor.HISTORY_STORE);
    }

    private HistoryPage read(HistoryScope scope, EventFilter filter, HistoryOrder order, long offset, int limit) {
        return reader.read(history(), scope, filter, order, offset, limit);
    }

    private static List<Long> ids(HistoryPage page) {
        return page.events().stream().map(StoredEvent::eventId).toList();
    }

    private static Instant minutes(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    @Test
    void aDevicesHistoryComesNewestFirstByDefaultAndOldestFirstOnRequest() {
        EmnifyEvent first = device.updateLocation(minutes(1));
        EmnifyEvent second = device.createPdp(minutes(2), "s1");
        EmnifyEvent third = device.deletePdp(minutes(3), "s1", minutes(2), 1.0, 2.0);
        // arrives last but happened first: history is ordered by event time, not arrival
        EmnifyEvent late = device.updateGprsLocation(minutes(0));
        List.of(first, second, third, late).forEach(fixture::send);
        fixture.send(neighbour.updateLocation(minutes(2)));

        HistoryPage newest = read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10);
        assertThat(ids(newest)).containsExactly(third.getId(), second.getId(), first.getId(), late.getId());
        assertThat(newest.total()).isEqualTo(4);
        assertThat(newest.events().get(0).event()).isEqualTo(third);
        assertThat(newest.events().get(0).timeMillis()).isEqualTo(minutes(3).toEpochMilli());

        assertThat(ids(read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.OLDEST_FIRST, 0, 10)))
                .containsExactly(late.getId(), first.getId(), second.getId(), third.getId());
    }

    @Test
    void eventsOfTheSameMillisecondAreAllKeptAndOrderedByEventId() {
        EmnifyEvent a = device.updateLocation(minutes(1));
        EmnifyEvent b = device.createPdp(minutes(1), "s1");
        EmnifyEvent c = device.ofType(0, minutes(1));
        List.of(c, a, b).forEach(fixture::send);

        assertThat(ids(read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10)))
                .containsExactly(c.getId(), b.getId(), a.getId());
    }

    @Test
    void pagingReturnsTheRequestedSliceAndTheTotalOfAllMatches() {
        Instant t = T0;
        for (int i = 0; i < 25; i++) {
            fixture.send(device.ofType(0, t = t.plusSeconds(1)));
        }
        HistoryPage all = read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 100);

        HistoryPage second = read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 10, 10);
        HistoryPage last = read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 20, 10);
        HistoryPage beyond = read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 30, 10);

        assertThat(second.total()).isEqualTo(25);
        assertThat(second.events()).isEqualTo(all.events().subList(10, 20));
        assertThat(last.events()).isEqualTo(all.events().subList(20, 25));
        assertThat(beyond.events()).isEmpty();
        assertThat(beyond.total()).isEqualTo(25);
    }

    @Test
    void filtersByTimeRangeTypeSourceSeverityAndAlertTogether() {
        EmnifyEvent before = device.createPdp(minutes(1), "s1");
        EmnifyEvent accepted = device.createPdp(minutes(10), "s2");
        EmnifyEvent rejected = device.rejectedCreate(minutes(11));
        EmnifyEvent deleted = device.deletePdp(minutes(12), "s2", minutes(10), 1, 1);
        EmnifyEvent blocked = device.blocked(minutes(13));
        EmnifyEvent after = device.createPdp(minutes(30), "s3");
        List.of(before, accepted, rejected, deleted, blocked, after).forEach(fixture::send);
        HistoryScope scope = HistoryScope.device(6001);

        EventFilter window = new EventFilter(minutes(10), minutes(13), Set.of(), Set.of(), Set.of(), null);
        assertThat(ids(read(scope, window, HistoryOrder.OLDEST_FIRST, 0, 10)))
                .as("both ends of the range are inclusive")
                .containsExactly(accepted.getId(), rejected.getId(), deleted.getId(), blocked.getId());

        EventFilter creates = new EventFilter(minutes(10), null, Set.of(3), Set.of(), Set.of(), null);
        assertThat(ids(read(scope, creates, HistoryOrder.OLDEST_FIRST, 0, 10)))
                .containsExactly(accepted.getId(), rejected.getId(), after.getId());

        EventFilter createsAndDeletes = new EventFilter(null, minutes(12), Set.of(3, 5), Set.of(), Set.of(), null);
        assertThat(ids(read(scope, createsAndDeletes, HistoryOrder.OLDEST_FIRST, 0, 10)))
                .containsExactly(before.getId(), accepted.getId(), rejected.getId(), deleted.getId());

        EventFilter policyControl = new EventFilter(null, null, Set.of(), Set.of(1), Set.of(), null);
        assertThat(ids(read(scope, policyControl, HistoryOrder.OLDEST_FIRST, 0, 10)))
                .containsExactly(rejected.getId(), blocked.getId());

        EventFilter warnings = new EventFilter(null, null, Set.of(), Set.of(), Set.of(1), null);
        assertThat(ids(read(scope, warnings, HistoryOrder.OLDEST_FIRST, 0, 10))).containsExactly(rejected.getId());

        EventFilter alerts = new EventFilter(null, null, Set.of(3), Set.of(), Set.of(), true);
        HistoryPage alerting = read(scope, alerts, HistoryOrder.OLDEST_FIRST, 0, 10);
        assertThat(ids(alerting)).containsExactly(rejected.getId());
        assertThat(alerting.total()).isEqualTo(1);

        EventFilter quiet = new EventFilter(null, null, Set.of(), Set.of(), Set.of(), false);
        assertThat(read(scope, quiet, HistoryOrder.OLDEST_FIRST, 0, 10).total()).isEqualTo(4);
    }

    @Test
    void anEventWithoutSourceOrSeverityMatchesOnlyUnfilteredQueries() {
        EmnifyEvent bare = device.base(0, "Generic", 0, minutes(1)).setEventSource(null).setEventSeverity(null).build();
        fixture.send(bare);
        HistoryScope scope = HistoryScope.device(6001);

        assertThat(read(scope, EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).total()).isEqualTo(1);
        assertThat(read(scope, new EventFilter(null, null, Set.of(), Set.of(0), Set.of(), null),
                HistoryOrder.NEWEST_FIRST, 0, 10).total()).isZero();
        assertThat(read(scope, new EventFilter(null, null, Set.of(), Set.of(), Set.of(0), null),
                HistoryOrder.NEWEST_FIRST, 0, 10).total()).isZero();
    }

    @Test
    void sortingByIdFollowsIdsEvenWhenTheyDisagreeWithTime() {
        EmnifyEvent lowIdLate = device.base(0, "Generic", 0, minutes(5)).setId(10).build();
        EmnifyEvent highIdEarly = device.base(0, "Generic", 0, minutes(1)).setId(30).build();
        EmnifyEvent middle = device.base(0, "Generic", 0, minutes(3)).setId(20).build();
        List.of(lowIdLate, highIdEarly, middle).forEach(fixture::send);
        HistoryScope scope = HistoryScope.device(6001);

        assertThat(ids(read(scope, EventFilter.everything(), HistoryOrder.ID_ASCENDING, 0, 10))).containsExactly(10L, 20L, 30L);
        assertThat(ids(read(scope, EventFilter.everything(), HistoryOrder.ID_DESCENDING, 0, 10))).containsExactly(30L, 20L, 10L);
        HistoryPage slice = read(scope, EventFilter.everything(), HistoryOrder.ID_DESCENDING, 1, 1);
        assertThat(ids(slice)).containsExactly(20L);
        assertThat(slice.total()).isEqualTo(3);
        assertThat(slice.events().get(0).event()).isEqualTo(middle);
        assertThat(ids(read(scope, EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10))).containsExactly(10L, 20L, 30L);
    }

    @Test
    void anOrganisationsHistoryHoldsItsDevicesEventsAndItsOwnEventsStoredOnce() {
        EmnifyEvent own = device.organisationEvent(52, minutes(1), "Data quota enabled for service profile 7");
        EmnifyEvent fromDevice = device.createPdp(minutes(2), "s1");
        EmnifyEvent fromNeighbour = neighbour.updateLocation(minutes(3));
        EmnifyEvent elsewhere = stranger.updateLocation(minutes(4));
        List.of(own, fromDevice, fromNeighbour, elsewhere).forEach(fixture::send);

        HistoryPage org = read(HistoryScope.organisation(88), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10);
        assertThat(org.events()).extracting(StoredEvent::event).containsExactly(fromNeighbour, fromDevice, own);
        assertThat(read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).events())
                .extracting(StoredEvent::event)
                .as("an organisation-level event is not in any device's history")
                .containsExactly(fromDevice);

        byte[] deviceEntryInOrg = history().get(HistoryKeys.entry(HistoryScope.organisation(88), minutes(2).toEpochMilli(),
                fromDevice.getId()));
        assertThat(HistoryEntry.isReference(deviceEntryInOrg)).isTrue();
        assertThat(deviceEntryInOrg).hasSize(HistoryEntry.HEADER_LENGTH + Long.BYTES);
        byte[] ownEntry = history().get(HistoryKeys.entry(HistoryScope.organisation(88), minutes(1).toEpochMilli(), own.getId()));
        assertThat(HistoryEntry.isReference(ownEntry)).isFalse();

        assertThat(read(HistoryScope.organisation(88), new EventFilter(null, null, Set.of(52), Set.of(), Set.of(), null),
                HistoryOrder.NEWEST_FIRST, 0, 10).events()).extracting(StoredEvent::event).containsExactly(own);
    }

    @Test
    void eventsLeaveBothHistoriesWhenTheirRetentionEndsAndNotBefore() {
        EmnifyEvent old = device.createPdp(minutes(0), "s1");
        EmnifyEvent recent = device.deletePdp(minutes(60 * 24 * 10), "s1", minutes(0), 1, 1);
        fixture.send(old);
        fixture.send(recent);
        assertThat(count(history())).isEqualTo(4);

        fixture.driver.advanceWallClockTime(RETENTION.minusMinutes(5));
        assertThat(read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).total())
                .isEqualTo(2);

        fixture.driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertThat(read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).events())
                .extracting(StoredEvent::event).containsExactly(recent);
        assertThat(read(HistoryScope.organisation(88), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).events())
                .extracting(StoredEvent::event).containsExactly(recent);
        assertThat(count(history())).isEqualTo(2);

        fixture.driver.advanceWallClockTime(Duration.ofDays(11));
        assertThat(count(history())).isZero();
    }

    @Test
    void theSweepVisitsABoundedNumberOfScopesPerTickAndGoesOnWhereItStopped() {
        fixture.close();
        fixture = new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix())
                .withHistory(new HistoryRetention(RETENTION, Duration.ofMinutes(1), 20)), stateDir, T0);
        reader = new EventHistoryReader(fixture.serdes.forValue(EmnifyEvent.class).deserializer(), fixture.topics.raw());
        // device scopes sort by id, before the organisations': the fresh device comes first
        EmnifyEvent fresh = new TestEvents(500, 99).updateLocation(minutes(60 * 24 * 10));
        fixture.send(fresh);
        int devices = 25;
        for (int d = 0; d < devices; d++) {
            fixture.send(new TestEvents(100_000 + d, 88).updateLocation(minutes(0)));
        }
        assertThat(count(history())).isEqualTo(2L * devices + 2);

        // the first step past the retention: 20 scopes in key order, the fresh device and 19 expired ones
        fixture.driver.advanceWallClockTime(RETENTION.plusMinutes(1));
        assertThat(count(history())).isEqualTo(2 + (devices - 19) + devices);

        // the next: the other 6 devices and organisation 88, whose entries all expired; organisation 99 is kept
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(count(history())).isEqualTo(2);
        assertThat(read(HistoryScope.device(500), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).events())
                .extracting(StoredEvent::event).containsExactly(fresh);
    }

    @Test
    void anEventAlreadyOlderThanTheRetentionIsNotStored() {
        fixture.send(device.updateLocation(T0.minus(RETENTION).minusSeconds(1)));
        fixture.send(device.updateLocation(T0.minus(RETENTION).plusSeconds(60)));

        assertThat(read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).total())
                .isEqualTo(1);
    }

    @Test
    void aCopyRoutedAgainAfterTheDedupeRetentionIsNotStoredTwice() {
        EmnifyEvent event = device.createPdp(minutes(1), "s1");
        fixture.send(event);
        // the dedupe forgets the id after 7 days; the streamer's copy then passes dedupe again
        fixture.driver.advanceWallClockTime(Duration.ofDays(8));
        EmnifyEvent copy = EmnifyEvent.newBuilder(event)
                .setEventType(new CodedValue(3, "Create PDP Context"))
                .build();
        fixture.raw.pipeInput(device.key(), copy, T0.plus(Duration.ofDays(8)).toEpochMilli());

        assertThat(read(HistoryScope.device(6001), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).total())
                .isEqualTo(1);
        assertThat(read(HistoryScope.organisation(88), EventFilter.everything(), HistoryOrder.NEWEST_FIRST, 0, 10).total())
                .isEqualTo(1);
    }

    private static long count(KeyValueStore<Bytes, byte[]> store) {
        long n = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
