package io.fleetstream.topology.availability;

import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.PresenceReason;
import io.fleetstream.topology.HistoryRetention;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor alone, on an in-memory store: what it keeps of the presence changes, and what the sweep deletes. */
class AvailabilityProcessorTest {

    private static final long DEVICE = 4242;
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private KeyValueStore<Bytes, byte[]> store;
    private MockProcessorContext<Void, Void> context;
    private AvailabilityProcessor processor;

    @BeforeEach
    void open() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AvailabilityProcessor.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor = new AvailabilityProcessor(new HistoryRetention(Duration.ofHours(1), Duration.ofMinutes(1), 2));
        processor.init(context);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void change(long device, int minute, boolean online, PresenceReason reason, long eventId) {
        PresenceChange change = new PresenceChange(device, 9L, online ? Presence.OFFLINE : Presence.ONLINE,
                online ? Presence.ONLINE : Presence.OFFLINE, T0.plus(Duration.ofMinutes(minute)), reason, eventId);
        processor.process(new Record<>(Long.toString(device), change, 0L));
    }

    private List<PresenceTransition> stored(long device) {
        List<PresenceTransition> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TransitionKeys.first(device), TransitionKeys.last(device))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                all.addAll(TransitionCodec.decode(TransitionKeys.atMillis(e.key.get()), e.value));
            }
        }
        return all;
    }

    private static PresenceTransition t(int minute, boolean online, String reason, long eventId) {
        return new PresenceTransition(T0.plus(Duration.ofMinutes(minute)).toEpochMilli(), online, reason, eventId);
    }

    @Test
    void keepsEachChangeWithItsReasonInTimeOrder() {
        change(DEVICE, 0, true, PresenceReason.PDP_CREATED, 1);
        change(DEVICE, 10, false, PresenceReason.PURGED, 2);
        change(DEVICE, 20, true, PresenceReason.PDP_CREATED, 3);
        change(DEVICE, 30, false, PresenceReason.PDP_TIMEOUT, 4);

        assertThat(stored(DEVICE)).containsExactly(t(0, true, "PDP_CREATED", 1), t(10, false, "PURGED", 2),
                t(20, true, "PDP_CREATED", 3), t(30, false, "PDP_TIMEOUT", 4));
    }

    @Test
    void aReplayedChangeIsNotStoredTwiceButTwoChangesInOneMillisecondBothAre() {
        change(DEVICE, 0, true, PresenceReason.PDP_CREATED, 1);
        change(DEVICE, 10, false, PresenceReason.PURGED, 2);
        change(DEVICE, 10, false, PresenceReason.PURGED, 2); // the same again (at-least-once)
        change(DEVICE, 0, true, PresenceReason.PDP_CREATED, 1); // an older one again
        change(DEVICE, 10, true, PresenceReason.PDP_CREATED, 3); // back online in the same millisecond

        assertThat(stored(DEVICE)).containsExactly(t(0, true, "PDP_CREATED", 1), t(10, false, "PURGED", 2),
                t(10, true, "PDP_CREATED", 3));
        assertThat(PresenceTimelines.device(store, DEVICE, T0.toEpochMilli(), T0.plus(Duration.ofMinutes(20)).toEpochMilli())
                .orElseThrow().outages()).isEqualTo(1);
    }

    @Test
    void devicesDoNotMix() {
        change(DEVICE, 0, true, PresenceReason.PDP_CREATED, 1);
        change(DEVICE + 1, 5, true, PresenceReason.PDP_CREATED, 2);
        change(DEVICE - 1, 7, true, PresenceReason.PDP_CREATED, 3);

        assertThat(stored(DEVICE)).containsExactly(t(0, true, "PDP_CREATED", 1));
        List<Long> seen = new ArrayList<>();
        PresenceTimelines.forEachDevice(store, T0.toEpochMilli(), T0.plus(Duration.ofMinutes(10)).toEpochMilli(),
                (id, report) -> seen.add(id));
        assertThat(seen).containsExactly(DEVICE - 1, DEVICE, DEVICE + 1);
    }

    @Test
    void theSweepDeletesWhatIsOlderThanTheRetentionButKeepsTheStateAtTheHorizon() {
        change(DEVICE, 0, true, PresenceReason.PDP_CREATED, 1);
        change(DEVICE, 10, false, PresenceReason.PURGED, 2);
        change(DEVICE, 20, true, PresenceReason.PDP_CREATED, 3);
        change(DEVICE, 30, false, PresenceReason.PLATFORM, 4);
        change(DEVICE + 1, 5, true, PresenceReason.PDP_CREATED, 5);

        // the retention is 1 h: at 85 min the horizon is 25 min
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(T0.plus(Duration.ofMinutes(85)).toEpochMilli());

        assertThat(stored(DEVICE)).containsExactly(t(20, true, "PDP_CREATED", 3), t(30, false, "PLATFORM", 4));
        assertThat(stored(DEVICE + 1)).as("the only change, the state at the horizon").containsExactly(
                t(5, true, "PDP_CREATED", 5));
        AvailabilityReport atHorizon = PresenceTimelines.device(store, DEVICE, T0.plus(Duration.ofMinutes(25)).toEpochMilli(),
                T0.plus(Duration.ofMinutes(85)).toEpochMilli()).orElseThrow();
        assertThat(atHorizon.stateAtFrom()).isEqualTo(AvailabilityReport.State.ONLINE);
        assertThat(atHorizon.onlineMillis()).isEqualTo(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void anUnknownDeviceHasNoTimeline() {
        change(DEVICE, 0, true, PresenceReason.PDP_CREATED, 1);

        assertThat(PresenceTimelines.device(store, DEVICE + 1, 0, T0.toEpochMilli())).isEmpty();
        assertThat(PresenceTimelines.device(store, DEVICE, 0, T0.toEpochMilli())).as("known, but only later")
                .hasValueSatisfying(r -> assertThat(r.unknownMillis()).isEqualTo(T0.toEpochMilli()));
    }

    @Test
    void keysOrderDevicesThenTimesAndValuesReadBack() {
        assertThat(TransitionKeys.key(1, Long.MAX_VALUE).compareTo(TransitionKeys.key(2, Long.MIN_VALUE))).isNegative();
        assertThat(TransitionKeys.key(1, -5).compareTo(TransitionKeys.key(1, 3))).isNegative();
        assertThat(TransitionKeys.endpointId(TransitionKeys.key(77, 123).get())).isEqualTo(77);
        assertThat(TransitionKeys.atMillis(TransitionKeys.key(77, 123).get())).isEqualTo(123);
        List<PresenceTransition> two = List.of(new PresenceTransition(5, false, "PURGED", null),
                new PresenceTransition(5, true, "PDP_CREATED", Long.MAX_VALUE));
        assertThat(TransitionCodec.decode(5, TransitionCodec.encode(two))).isEqualTo(two);
    }
}
