package io.fleetstream.topology.deadletter;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.device.DeviceTopology;
import io.fleetstream.topology.history.HistoryTopology;
import io.fleetstream.topology.incident.IncidentTopology;
import io.fleetstream.topology.quota.QuotaForecastTopology;
import io.fleetstream.topology.quota.QuotaTopology;
import io.fleetstream.topology.testing.PoisonValues;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import io.fleetstream.topology.usage.UsageTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
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
 * Records that cannot be processed, on the real topology: each is dead-lettered with its stage, reason and raw-topic
 * bytes, counted by stage and reason, and the records after it are processed as if it had not been there.
 */
class PoisonRecordsTopologyTest {

    /**
     * A tunnel creation time no data session has, which Avro carries fine: the closed session's duration in
     * milliseconds does not fit in a long, and {@code DeviceStateMachine} throws computing it (an ArithmeticException
     * from {@code Duration.toMillis}). Should the machine learn to bound that duration, these tests need another event
     * it throws on.
     */
    private static final Instant NO_REAL_TIME = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final String DEVICE_STAGE = DeviceTopology.STAGE;

    @TempDir
    Path stateDir;
    private final TestEvents a = new TestEvents(4711);
    private final TestEvents b = new TestEvents(4712);

    private static Instant at(int minutes, int seconds) {
        return T0.plus(Duration.ofMinutes(minutes).plusSeconds(seconds));
    }

    private TopologyFixture start(Duration lateness) {
        return new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix())
                .withDeviceTimers(DeviceTimers.defaults().withLateness(lateness)), stateDir, T0);
    }

    /** Pipes an event as the raw topic holds it, and returns those bytes. */
    private static byte[] sendBytes(TopologyFixture f, EmnifyEvent event) {
        byte[] bytes = f.serdes.forValue(EmnifyEvent.class).serializer().serialize(f.topics.raw(), event);
        f.rawBytes.pipeInput(Long.toString(event.getEndpoint().getId()), bytes, event.getIngest().getReceivedAt());
        return bytes;
    }

    private static double deadLetters(TopologyFixture f, String stage, PoisonKind kind) {
        Counter counter = f.meters.find(DeadLetterSink.DEAD_LETTERS).tags(DeadLetterSink.STAGE_TAG, stage,
                DeadLetterSink.REASON_TAG, kind.tag()).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anEventTheDeviceStateThrowsOnIsDeadLetteredWithItsBytesAndChangesNoState() {
        try (TopologyFixture f = start(Duration.ZERO)) {
            TestOutputTopic<String, EmnifyEvent> dataConnection = f.topic(f.topics.category(EventCategory.DATA_CONNECTION));
            f.send(a.createPdp(at(0, 0), "s1"));
            f.deviceStates.readValuesToList();

            EmnifyEvent poison = a.deletePdp(at(10, 0), "s1", NO_REAL_TIME, 1, 1);
            byte[] poisonBytes = sendBytes(f, poison);

            assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
                assertThat(d.getStage()).isEqualTo(DEVICE_STAGE);
                assertThat(d.getReason()).isEqualTo("processing failed in " + DEVICE_STAGE
                        + ": java.lang.ArithmeticException: long overflow");
                assertThat(d.getOriginal().array()).isEqualTo(poisonBytes);
                assertThat(d.getTopic()).isEqualTo(f.topics.raw());
                assertThat(d.getPartition()).isZero();
                assertThat(d.getOffset()).isEqualTo(1);
                assertThat(d.getKey()).isEqualTo(a.key());
            });
            // the device is as the create left it: no state written, no offline timer armed
            assertThat(f.deviceStates.isEmpty()).isTrue();
            KeyValueStore<String, DeviceState> states = f.driver.getKeyValueStore(DeviceStateProcessor.STATE_STORE);
            assertThat(states.get(a.key())).satisfies(s -> {
                assertThat(s.getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
                assertThat(s.getSession().getSessionId()).isEqualTo("s1");
                assertThat(s.getOfflineDueAt()).isNull();
                assertThat(s.getLastEventId()).isNotEqualTo(poison.getId());
            });

            EmnifyEvent delete = a.deletePdp(at(11, 0), "s1", at(0, 0), 1, 1);
            f.send(delete);
            f.send(b.updateLocation(at(30, 0)));

            assertThat(f.deviceStates.readKeyValuesToMap().get(a.key())).satisfies(s -> {
                assertThat(s.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
                assertThat(s.getLastSession().getEventId()).isEqualTo(delete.getId());
                assertThat(s.getLastSession().getDurationMs()).isEqualTo(Duration.ofMinutes(11).toMillis());
                assertThat(s.getOnline()).isFalse();
            });
            // offline five minutes after the delete that was applied, not after the one that was dead-lettered
            assertThat(f.presence.readValuesToList()).extracting(PresenceChange::getTo, PresenceChange::getAt)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Presence.ONLINE, at(0, 0)),
                            org.assertj.core.groups.Tuple.tuple(Presence.OFFLINE, at(16, 0)));
            // the other stages went on with it: routed like every event
            assertThat(dataConnection.readValuesToList()).extracting(EmnifyEvent::getId)
                    .contains(poison.getId(), delete.getId());
            assertThat(f.deadLetters.isEmpty()).isTrue();
            assertThat(deadLetters(f, DEVICE_STAGE, PoisonKind.PROCESSING_FAILED)).isEqualTo(1);
        }
    }

    @Test
    void aHeldBackEventThatThrowsWhenTheClockReleasesItIsDeadLetteredWithItsOwnBytesNotTheReleasingRecords() {
        try (TopologyFixture f = start(Duration.ofSeconds(30))) {
            f.send(a.createPdp(at(0, 0), "s1"));
            f.send(b.updateLocation(at(0, 31)));
            EmnifyEvent poison = a.deletePdp(at(10, 0), "s1", NO_REAL_TIME, 1, 1);
            byte[] poisonBytes = sendBytes(f, poison);
            assertThat(f.deadLetters.isEmpty()).as("held back until the clock passes it").isTrue();

            // this record moves the clock past the poison event: it is released, applied, and fails
            f.send(b.updateLocation(at(10, 31)));

            assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
                assertThat(d.getStage()).isEqualTo(DEVICE_STAGE);
                assertThat(d.getReason()).contains("java.lang.ArithmeticException: long overflow");
                assertThat(d.getOriginal().array()).isEqualTo(poisonBytes);
                assertThat(d.getTopic()).isEqualTo(f.topics.raw());
                assertThat(d.getPartition()).isZero();
                assertThat(d.getOffset()).as("the offset is not the releasing record's").isNull();
                assertThat(d.getKey()).isEqualTo(a.key());
            });

            EmnifyEvent delete = a.deletePdp(at(11, 0), "s1", at(0, 0), 1, 1);
            f.send(delete);
            f.send(b.updateLocation(at(11, 31)));

            Map<String, DeviceState> states = f.deviceStates.readKeyValuesToMap();
            assertThat(states.get(a.key())).satisfies(s -> {
                assertThat(s.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
                assertThat(s.getLastSession().getEventId()).isEqualTo(delete.getId());
                assertThat(s.getOfflineDueAt()).isEqualTo(at(16, 0));
            });
            // the releasing record's own event was applied once the clock passed it
            assertThat(states.get(b.key()).getLastEventAt()).isEqualTo(at(10, 31));
            assertThat(f.deadLetters.isEmpty()).isTrue();
            assertThat(deadLetters(f, DEVICE_STAGE, PoisonKind.PROCESSING_FAILED)).isEqualTo(1);
        }
    }

    @Test
    void aHeldBackEventReleasedByAPunctuationOnAQuietPartitionIsDeadLetteredAndTheOthersAreApplied() {
        try (TopologyFixture f = start(Duration.ofSeconds(30))) {
            f.send(a.createPdp(at(0, 0), "s1"));
            EmnifyEvent poison = a.deletePdp(at(10, 0), "s1", NO_REAL_TIME, 1, 1);
            byte[] poisonBytes = sendBytes(f, poison);
            f.send(b.updateLocation(at(10, 1)));
            assertThat(f.deadLetters.isEmpty()).isTrue();

            // nothing arrives for longer than the lateness: what the sources delivered is taken as complete
            f.driver.advanceWallClockTime(Duration.ofSeconds(40));

            assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
                assertThat(d.getStage()).isEqualTo(DEVICE_STAGE);
                assertThat(d.getOriginal().array()).isEqualTo(poisonBytes);
                assertThat(d.getOffset()).isNull();
                assertThat(d.getKey()).isEqualTo(a.key());
            });
            Map<String, DeviceState> states = f.deviceStates.readKeyValuesToMap();
            assertThat(states.get(a.key()).getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
            assertThat(states.get(a.key()).getOfflineDueAt()).isNull();
            assertThat(states.get(b.key()).getLastEventAt()).isEqualTo(at(10, 1));
        }
    }

    @Test
    void everyKindOfPoisonIsCountedByStageAndReason() {
        try (TopologyFixture f = start(Duration.ZERO)) {
            f.rawBytes.pipeInput(a.key(), PoisonValues.notAvro(), T0);
            f.rawBytes.pipeInput(a.key(), PoisonValues.unknownSchema(), T0);
            f.rawBytes.pipeInput(a.key(), PoisonValues.otherSchema(f.serdes), T0);
            f.rawBytes.pipeInput(a.key(), null, T0);
            f.send(a.createPdp(at(0, 0), "s1"));
            sendBytes(f, a.deletePdp(at(1, 0), "s1", NO_REAL_TIME, 1, 1));
            f.send(a.updateLocation(at(2, 0)));

            assertThat(f.deadLetters.readValuesToList()).extracting(DeadLetter::getStage).containsExactly(
                    FleetTopology.DECODING_STAGE, FleetTopology.DECODING_STAGE, FleetTopology.DECODING_STAGE, FleetTopology.DECODING_STAGE,
                    DEVICE_STAGE);
            Map<List<String>, Double> counts = f.meters.find(DeadLetterSink.DEAD_LETTERS).counters().stream()
                    .collect(Collectors.toMap(c -> List.of(c.getId().getTag(DeadLetterSink.STAGE_TAG),
                            c.getId().getTag(DeadLetterSink.REASON_TAG)), Counter::count));
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                    Map.entry(List.of(FleetTopology.DECODING_STAGE, "not_avro"), 1.0),
                    Map.entry(List.of(FleetTopology.DECODING_STAGE, "unknown_schema"), 1.0),
                    Map.entry(List.of(FleetTopology.DECODING_STAGE, "schema_mismatch"), 1.0),
                    Map.entry(List.of(FleetTopology.DECODING_STAGE, "no_value"), 1.0),
                    Map.entry(List.of(DEVICE_STAGE, "processing_failed"), 1.0),
                    // every stage's series exists from the start, at 0
                    Map.entry(List.of(FleetTopology.ROUTING_STAGE, "processing_failed"), 0.0),
                    Map.entry(List.of(QuotaTopology.STATE_STAGE, "processing_failed"), 0.0),
                    Map.entry(List.of(QuotaTopology.MANAGEMENT_STAGE, "processing_failed"), 0.0),
                    Map.entry(List.of(HistoryTopology.STAGE, "processing_failed"), 0.0),
                    Map.entry(List.of(UsageTopology.DECODING_STAGE, "not_avro"), 0.0),
                    Map.entry(List.of(UsageTopology.DECODING_STAGE, "unknown_schema"), 0.0),
                    Map.entry(List.of(UsageTopology.DECODING_STAGE, "schema_mismatch"), 0.0),
                    Map.entry(List.of(UsageTopology.DECODING_STAGE, "no_value"), 0.0),
                    Map.entry(List.of(UsageTopology.ROUTING_STAGE, "unknown_traffic_type"), 0.0),
                    // fleetstream's own topics read back: a tombstone on the compacted quota states is a delete
                    Map.entry(List.of(QuotaForecastTopology.DECODING_STAGE, "not_avro"), 0.0),
                    Map.entry(List.of(QuotaForecastTopology.DECODING_STAGE, "unknown_schema"), 0.0),
                    Map.entry(List.of(QuotaForecastTopology.DECODING_STAGE, "schema_mismatch"), 0.0),
                    Map.entry(List.of(IncidentTopology.DECODING_STAGE, "not_avro"), 0.0),
                    Map.entry(List.of(IncidentTopology.DECODING_STAGE, "unknown_schema"), 0.0),
                    Map.entry(List.of(IncidentTopology.DECODING_STAGE, "schema_mismatch"), 0.0),
                    Map.entry(List.of(IncidentTopology.DECODING_STAGE, "no_value"), 0.0)));
            // one tag set for the name, as Prometheus wants it
            assertThat(f.meters.find(DeadLetterSink.DEAD_LETTERS).meters()).allSatisfy((Meter m) ->
                    assertThat(m.getId().getTags()).extracting(t -> t.getKey())
                            .containsExactlyInAnyOrder(DeadLetterSink.STAGE_TAG, DeadLetterSink.REASON_TAG));
            assertThat(f.deviceStates.readKeyValuesToMap().get(a.key()).getLocation()).isNotNull();
        }
    }

    @Test
    void aRawKeyThatIsNotUtf8IsReadWithReplacementCharactersAndItsEventProcessed() {
        try (TopologyFixture f = start(Duration.ZERO)) {
            TestInputTopic<byte[], EmnifyEvent> rawWithByteKeys = f.driver.createInputTopic(f.topics.raw(),
                    Serdes.ByteArray().serializer(), f.serdes.forValue(EmnifyEvent.class).serializer());
            TestOutputTopic<String, EmnifyEvent> attach = f.topic(f.topics.category(EventCategory.NETWORK_ATTACHMENT));
            EmnifyEvent event = a.updateLocation(at(0, 0));

            rawWithByteKeys.pipeInput(new byte[] {(byte) 0xff, (byte) 0xfe, '1'}, event, T0);

            TestRecord<String, EmnifyEvent> routed = attach.readRecord();
            assertThat(routed.key()).isEqualTo("\uFFFD\uFFFD1");
            assertThat(routed.value()).isEqualTo(event);
            assertThat(f.deadLetters.isEmpty()).isTrue();
        }
    }
}
