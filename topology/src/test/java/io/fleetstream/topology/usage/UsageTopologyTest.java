package io.fleetstream.topology.usage;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.TrafficType;
import io.fleetstream.avro.UsageEndpoint;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.avro.UsageVolume;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Usage records through the real topology: dedupe by id, routing by traffic type, dead letters. */
class UsageTopologyTest {

    private static final String DEVICE = "123456789";

    @TempDir
    Path stateDir;
    private TopologyFixture fixture;
    private TestInputTopic<String, UsageRecord> usageRaw;
    private TestInputTopic<String, byte[]> usageRawBytes;
    private TestOutputTopic<String, UsageRecord> data;
    private TestOutputTopic<String, UsageRecord> sms;

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix()), stateDir, T0,
                new InMemorySchemaRegistry());
        Topics topics = fixture.topics;
        usageRaw = fixture.driver.createInputTopic(topics.usageRaw(), Serdes.String().serializer(),
                fixture.serdes.forValue(UsageRecord.class).serializer());
        usageRawBytes = fixture.driver.createInputTopic(topics.usageRaw(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        data = fixture.driver.createOutputTopic(topics.usageData(), Serdes.String().deserializer(),
                fixture.serdes.forValue(UsageRecord.class).deserializer());
        sms = fixture.driver.createOutputTopic(topics.usageSms(), Serdes.String().deserializer(),
                fixture.serdes.forValue(UsageRecord.class).deserializer());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static UsageRecord usage(long id, int trafficType, String cost) {
        return UsageRecord.newBuilder()
                .setId(id)
                .setTrafficType(new TrafficType(trafficType, trafficType == 5 ? "Data" : trafficType == 6 ? "SMS" : "Voice"))
                .setStartTimestamp(T0.minusSeconds(45))
                .setEndTimestamp(T0)
                .setEndpoint(new UsageEndpoint(Long.parseLong(DEVICE), "dev", null, null, null))
                .setCost(new BigDecimal(cost).setScale(10))
                .setVolume(trafficType == 5 ? new UsageVolume(new BigDecimal("0.219933"), new BigDecimal("0.172848"),
                        new BigDecimal("0.047085")) : null)
                .setSessionId("722aeb56-c4de-4753-ac23-4f99c1980c5e")
                .setSource("STREAMER")
                .setReceivedAt(T0.plusSeconds(1))
                .build();
    }

    private void send(UsageRecord usage) {
        usageRaw.pipeInput(DEVICE, usage, usage.getReceivedAt());
    }

    private double counter(String name, String... tags) {
        var counter = fixture.meters.find(name).tags(tags).counter();
        assertThat(counter).as(name).isNotNull();
        return counter.count();
    }

    @Test
    void dataRecordsGoToUsageDataAndSmsRecordsToUsageSmsUnderTheDeviceKey() {
        UsageRecord dataRecord = usage(1, 5, "0.00188512");
        UsageRecord smsRecord = usage(2, 6, "0.09");

        send(dataRecord);
        send(smsRecord);

        var routedData = data.readRecordsToList();
        assertThat(routedData).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(DEVICE);
            assertThat(r.value()).isEqualTo(dataRecord);
            assertThat(r.value().getCost()).isEqualTo(new BigDecimal("0.0018851200"));
        });
        assertThat(sms.readValuesToList()).containsExactly(smsRecord);
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
        assertThat(counter(UsageMeters.ROUTED, UsageMeters.TRAFFIC_TYPE_TAG, "data")).isEqualTo(1.0);
        assertThat(counter(UsageMeters.ROUTED, UsageMeters.TRAFFIC_TYPE_TAG, "sms")).isEqualTo(1.0);
    }

    @Test
    void aRoutedRecordIsTheRawRecordsOwnBytes() {
        byte[] raw = fixture.serdes.forValue(UsageRecord.class).serializer().serialize(fixture.topics.usageRaw(), usage(1, 5, "1.5"));
        TestOutputTopic<String, byte[]> dataBytes = fixture.driver.createOutputTopic(fixture.topics.usageData(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());

        usageRawBytes.pipeInput(DEVICE, raw, T0);

        assertThat(dataBytes.readValuesToList()).singleElement().isEqualTo(raw);
    }

    @Test
    void copiesOfAUsageRecordAreDroppedWithinTheRetentionAndRoutedAgainAfterIt() {
        UsageRecord record = usage(77, 5, "0.5");

        send(record);
        send(UsageRecord.newBuilder(record).setReceivedAt(T0.plusSeconds(30)).build());
        fixture.driver.advanceWallClockTime(Duration.ofDays(6));
        send(record);
        assertThat(data.readValuesToList()).hasSize(1);
        assertThat(counter(UsageMeters.DUPLICATES)).isEqualTo(2.0);

        fixture.driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(2));
        send(record);
        assertThat(data.readValuesToList()).as("forgotten after the dedupe retention of 7 days").hasSize(1);
    }

    @Test
    void usageIdsAndEventIdsAreDedupedApart() {
        TestOutputTopic<String, EmnifyEvent> attach = fixture.topic(fixture.topics.category(EventCategory.NETWORK_ATTACHMENT));
        EmnifyEvent event = new TestEvents(Long.parseLong(DEVICE)).updateLocation(T0);

        send(usage(event.getId(), 5, "0.1"));
        fixture.send(event);

        assertThat(data.readValuesToList()).hasSize(1);
        assertThat(attach.readValuesToList()).containsExactly(event);
    }

    @Test
    void anUnknownTrafficTypeIsDeadLetteredWithItsBytesAndAReasonNamingIt() {
        UsageRecord voice = usage(3, 9, "0.2");
        byte[] raw = fixture.serdes.forValue(UsageRecord.class).serializer().serialize(fixture.topics.usageRaw(), voice);

        usageRawBytes.pipeInput(DEVICE, raw, T0);
        send(usage(4, 5, "0.2"));

        DeadLetter deadLetter = fixture.deadLetters.readValue();
        assertThat(deadLetter.getStage()).isEqualTo(UsageTopology.ROUTING_STAGE);
        assertThat(deadLetter.getReason()).contains("usage record 3", "traffic_type 9 (Voice)", "5 (Data) and 6 (SMS)");
        assertThat(bytes(deadLetter.getOriginal())).isEqualTo(raw);
        assertThat(deadLetter.getTopic()).isEqualTo(fixture.topics.usageRaw());
        assertThat(deadLetter.getKey()).isEqualTo(DEVICE);
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
        assertThat(data.readValuesToList()).extracting(UsageRecord::getId).containsExactly(4L);
        assertThat(sms.isEmpty()).isTrue();
        assertThat(counter(DeadLetterSink.DEAD_LETTERS, DeadLetterSink.STAGE_TAG, UsageTopology.ROUTING_STAGE,
                DeadLetterSink.REASON_TAG, "unknown_traffic_type")).isEqualTo(1.0);
    }

    @Test
    void aRecordThatDoesNotDecodeIsDeadLetteredAndTheNextOneRouted() {
        byte[] poison = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);

        usageRawBytes.pipeInput(DEVICE, poison, T0);
        usageRawBytes.pipeInput(DEVICE, null, T0);
        send(usage(5, 6, "0.09"));

        assertThat(fixture.deadLetters.readValuesToList()).extracting(DeadLetter::getStage)
                .containsExactly(UsageTopology.DECODING_STAGE, UsageTopology.DECODING_STAGE);
        assertThat(sms.readValuesToList()).extracting(UsageRecord::getId).containsExactly(5L);
        assertThat(counter(DeadLetterSink.DEAD_LETTERS, DeadLetterSink.STAGE_TAG, UsageTopology.DECODING_STAGE,
                DeadLetterSink.REASON_TAG, "not_avro")).isEqualTo(1.0);
        assertThat(counter(DeadLetterSink.DEAD_LETTERS, DeadLetterSink.STAGE_TAG, UsageTopology.DECODING_STAGE,
                DeadLetterSink.REASON_TAG, "no_value")).isEqualTo(1.0);
    }

    @Test
    void usageIsASubtopologyOfItsOwnSoEventTasksNeverReadTheUsageTopic() {
        TopologyDescription description = FleetTopology.build(TopologyConfig.defaults(Topics.withDefaultPrefix()),
                fixture.serdes, new SimpleMeterRegistry()).describe();

        Set<Set<String>> sourcesBySubtopology = new HashSet<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            Set<String> sources = new HashSet<>();
            sub.nodes().forEach(node -> {
                if (node instanceof TopologyDescription.Source source) {
                    sources.addAll(source.topicSet());
                }
            });
            sourcesBySubtopology.add(sources);
        }

        // the quota run-out forecast reads the quota states back from their topic into the usage subtopology
        // and the incident detector reads the presence by network in one of its own: decoding each of them in a node that
        // dead-letters (a sink per subtopology) merges none of them
        assertThat(sourcesBySubtopology).containsExactlyInAnyOrder(
                Set.of(fixture.topics.usageRaw(), fixture.topics.quotaState()), Set.of(fixture.topics.raw()),
                Set.of(fixture.topics.fleetPresenceByNetwork()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
