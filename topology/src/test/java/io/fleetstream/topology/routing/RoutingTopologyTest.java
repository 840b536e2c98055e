package io.fleetstream.topology.routing;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.catalog.EventType;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingTopologyTest {

    @TempDir
    Path stateDir;
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private TopologyFixture fixture;
    private final TestEvents device = new TestEvents(4711);

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix()), stateDir, T0, registry);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Map<EventCategory, TestOutputTopic<String, EmnifyEvent>> categoryTopics() {
        Map<EventCategory, TestOutputTopic<String, EmnifyEvent>> topics = new EnumMap<>(EventCategory.class);
        for (EventCategory category : EventCategory.values()) {
            topics.put(category, fixture.topic(fixture.topics.category(category)));
        }
        return topics;
    }

    @Test
    void everyCatalogEventTypeLandsOnItsCategoryTopicAndUnknownIdsOnOther() {
        Map<EventCategory, TestOutputTopic<String, EmnifyEvent>> topics = categoryTopics();
        List<EventType> types = EventCatalog.standard().all();
        Instant t = T0;
        for (EventType type : types) {
            fixture.send(device.ofType(type.id(), t = t.plusSeconds(1)));
        }
        fixture.send(device.ofType(66, t.plusSeconds(1)));
        fixture.send(device.ofType(4242, t.plusSeconds(2)));

        int routed = 0;
        for (EventCategory category : EventCategory.values()) {
            for (EmnifyEvent event : topics.get(category).readValuesToList()) {
                assertThat(EventCatalog.standard().categoryOf(event.getEventType().getId())).isEqualTo(category);
                routed++;
            }
        }
        assertThat(routed).isEqualTo(types.size() + 2);
    }

    @Test
    void eachCategoryReceivesItsOwnTypes() {
        Map<EventCategory, TestOutputTopic<String, EmnifyEvent>> topics = categoryTopics();
        int[] sample = {0, 1, 3, 6, 41, 8, 11, 18, 20, 22, 28, 31, 66};
        EventCategory[] expected = {EventCategory.GENERIC, EventCategory.NETWORK_ATTACHMENT,
                EventCategory.DATA_CONNECTION, EventCategory.AUTHENTICATION, EventCategory.USER_MANAGEMENT,
                EventCategory.DEVICE_STATUS, EventCategory.LIMIT_ENFORCEMENT, EventCategory.DATA_QUOTA,
                EventCategory.SMS_QUOTA, EventCategory.CLOUDCONNECT, EventCategory.OPENVPN,
                EventCategory.ORGANISATION_BILLING, EventCategory.OTHER};
        for (int i = 0; i < sample.length; i++) {
            fixture.send(device.ofType(sample[i], T0.plusSeconds(i)));
        }
        for (int i = 0; i < sample.length; i++) {
            List<EmnifyEvent> values = topics.get(expected[i]).readValuesToList();
            assertThat(values).as(expected[i].slug()).singleElement()
                    .extracting(e -> e.getEventType().getId()).isEqualTo(sample[i]);
        }
    }

    @Test
    void aRoutedEventIsTheRawRecordsOwnBytesNotEncodedAgain() {
        byte[] encoded = fixture.serdes.forValue(EmnifyEvent.class).serializer()
                .serialize(fixture.topics.raw(), device.createPdp(T0, "s1"));
        // valid Avro that a new encoding would not reproduce: the event id's varint padded with a redundant byte
        int end = 5;
        while ((encoded[end] & 0x80) != 0) {
            end++;
        }
        byte[] received = ByteBuffer.allocate(encoded.length + 1).put(encoded, 0, end).put((byte) (encoded[end] | 0x80))
                .put((byte) 0).put(encoded, end + 1, encoded.length - end - 1).array();
        TestOutputTopic<String, byte[]> dataConnection = fixture.driver.createOutputTopic(
                fixture.topics.category(EventCategory.DATA_CONNECTION), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());

        fixture.rawBytes.pipeInput("4711", received, T0);

        assertThat(dataConnection.readValue()).isEqualTo(received).isNotEqualTo(encoded);
    }

    @Test
    void anEventReceivedInAnotherSchemaVersionIsWrittenInTheCategorysOwn() {
        // a producer wrote the raw topic with a newer schema: one more optional field at the end
        Schema newer = withOptionalField(EmnifyEvent.getClassSchema(), "written_by");
        int newerId = registry.register(fixture.topics.raw() + "-value", newer);
        EmnifyEvent event = device.createPdp(T0, "s1");
        byte[] current = fixture.serdes.forValue(EmnifyEvent.class).serializer().serialize(fixture.topics.raw(), event);
        // the same Avro body plus the null branch (0) of the added union, behind the newer schema's id
        byte[] received = ByteBuffer.allocate(current.length + 1).put((byte) 0).putInt(newerId)
                .put(current, 5, current.length - 5).put((byte) 0).array();
        String category = fixture.topics.category(EventCategory.DATA_CONNECTION);
        TestOutputTopic<String, byte[]> dataConnection = fixture.driver.createOutputTopic(category,
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());

        fixture.rawBytes.pipeInput("4711", received, T0);

        byte[] written = dataConnection.readValue();
        assertThat(ByteBuffer.wrap(written, 1, 4).getInt())
                .isNotEqualTo(newerId)
                .isEqualTo(fixture.serdes.resolveValueSchema(EmnifyEvent.class, category));
        assertThat(written).isEqualTo(current);
    }

    private static Schema withOptionalField(Schema schema, String name) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                null, Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    @Test
    void routedRecordsKeepTheirKeyAndIngestTimestamp() {
        TestOutputTopic<String, EmnifyEvent> dataConnection = fixture.topic(fixture.topics.category(EventCategory.DATA_CONNECTION));
        EmnifyEvent create = device.createPdp(Instant.parse("2019-01-01T00:00:00Z"), "s1");
        create.getIngest().setReceivedAt(T0);

        fixture.send(create);

        TestRecord<String, EmnifyEvent> out = dataConnection.readRecord();
        assertThat(out.key()).isEqualTo("4711");
        assertThat(out.value()).isEqualTo(create);
        assertThat(out.getRecordTime()).isEqualTo(T0);
    }

    @Test
    void duplicatesAreDroppedEvenForYearsOldEvents() {
        TestOutputTopic<String, EmnifyEvent> dataConnection = fixture.topic(fixture.topics.category(EventCategory.DATA_CONNECTION));
        EmnifyEvent old = device.createPdp(Instant.parse("2019-06-01T12:00:00Z"), "s-old");

        fixture.send(old);
        fixture.send(TestEvents.copyOf(old));
        fixture.send(TestEvents.copyOf(old));

        assertThat(dataConnection.readValuesToList()).containsExactly(old);
    }

    @Test
    void anIdIsForgottenAfterTheRetentionAndRoutedAgain() {
        TestOutputTopic<String, EmnifyEvent> attach = fixture.topic(fixture.topics.category(EventCategory.NETWORK_ATTACHMENT));
        EmnifyEvent event = device.updateLocation(T0);
        fixture.send(event);

        fixture.driver.advanceWallClockTime(Duration.ofDays(6));
        fixture.send(TestEvents.copyOf(event));
        assertThat(attach.readValuesToList()).hasSize(1);

        fixture.driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(2));
        fixture.send(TestEvents.copyOf(event));
        assertThat(attach.readValuesToList()).hasSize(1);
    }

    @Test
    void aPoisonPillGoesToTheDeadLetterTopicAndProcessingContinues() {
        TestOutputTopic<String, EmnifyEvent> attach = fixture.topic(fixture.topics.category(EventCategory.NETWORK_ATTACHMENT));
        byte[] poison = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);

        fixture.rawBytes.pipeInput("4711", poison, T0);
        fixture.send(device.updateLocation(T0.plusSeconds(1)));

        List<DeadLetter> dead = fixture.deadLetters.readValuesToList();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo("topology.raw");
            assertThat(d.getReason()).startsWith("cannot decode raw event: ");
            assertThat(d.getOriginal().array()).isEqualTo(poison);
            assertThat(d.getTopic()).isEqualTo(fixture.topics.raw());
            assertThat(d.getOffset()).isZero();
            assertThat(d.getKey()).isEqualTo("4711");
        });
        assertThat(attach.readValuesToList()).hasSize(1);
    }

    @Test
    void aRecordNamingASchemaIdTheRegistryDoesNotHaveIsDeadLetteredWithItsBytes() {
        // the wire format's magic byte and a schema id no one registered, then anything
        byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(42).array();

        fixture.rawBytes.pipeInput("4711", unknownId, T0);
        fixture.send(device.updateLocation(T0.plusSeconds(1)));

        assertThat(fixture.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).startsWith("cannot decode raw event: ").contains("987654");
            assertThat(d.getOriginal().array()).isEqualTo(unknownId);
        });
        assertThat(fixture.topic(fixture.topics.category(EventCategory.NETWORK_ATTACHMENT)).readValuesToList()).hasSize(1);
    }

    @Test
    void aRecordWrittenWithAnotherSchemaThatCannotBeReadAsAnEventIsDeadLettered() {
        // a registered schema, but not one an event can be read from: a device state on the raw topic
        io.fleetstream.avro.DeviceState state = io.fleetstream.avro.DeviceState.newBuilder().setEndpointId(4711)
                .setStatus(io.fleetstream.avro.ConnectivityStatus.ONLINE).setOnline(true).build();
        byte[] bytes = fixture.serdes.forValue(io.fleetstream.avro.DeviceState.class).serializer()
                .serialize("elsewhere.device-state", state);

        fixture.rawBytes.pipeInput("4711", bytes, T0);
        fixture.send(device.updateLocation(T0.plusSeconds(1)));

        assertThat(fixture.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).startsWith("cannot decode raw event: ");
            assertThat(d.getOriginal().array()).isEqualTo(bytes);
        });
        assertThat(fixture.topic(fixture.topics.category(EventCategory.NETWORK_ATTACHMENT)).readValuesToList()).hasSize(1);
    }

    @Test
    void aRecordWithoutValueIsDeadLettered() {
        fixture.rawBytes.pipeInput("4711", null, T0);

        assertThat(fixture.deadLetters.readValuesToList()).singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("no value"));
    }

    @Test
    void anUnreachableRegistryFailsTheTaskInsteadOfDeadLetteringGoodRecords() {
        InMemorySchemaRegistry backing = new InMemorySchemaRegistry();
        byte[] good = new AvroSerdes(backing, true).forValue(EmnifyEvent.class).serializer()
                .serialize(fixture.topics.raw(), device.updateLocation(T0));
        SchemaRegistry unreachable = (SchemaRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{SchemaRegistry.class}, (proxy, method, args) -> {
                    throw new SchemaRegistryException(0, SchemaRegistryException.INTERNAL_ERROR,
                            "schema registry http://registry:8081 is unreachable", null);
                });
        try (TopologyFixture outage = new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix()),
                stateDir.resolve("outage"), T0, unreachable)) {
            assertThatThrownBy(() -> outage.rawBytes.pipeInput("4711", good, T0))
                    .hasStackTraceContaining("unreachable");
            assertThat(outage.deadLetters.isEmpty()).isTrue();
        }
    }
}
