package io.fleetstream.schemas.serde;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import java.io.ByteArrayOutputStream;
import java.util.List;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.Imsi;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.Sim;
import io.fleetstream.avro.User;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.registry.RegisteredSchema;
import io.fleetstream.schemas.registry.SchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistryState;
import io.fleetstream.schemas.serde.evolution.v1.SignalReading;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdesTest {

    private static final String RAW = "emnify.events.raw";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerdes serdes = new AvroSerdes(registry, true);

    /** Every field set, nested records and logical types included, from the Create PDP Context example. */
    static EmnifyEvent fullyPopulatedEvent() {
        return EmnifyEvent.newBuilder()
                .setId(31877325941L)
                .setTimestamp(Instant.parse("2021-10-27T08:38:02Z"))
                .setEventType(new CodedValue(3, "Create PDP Context"))
                .setEventSource(new CodedValue(0, "Network"))
                .setEventSeverity(new CodedValue(0, "Info"))
                .setAlert(true)
                .setDescription("New PDP Context successfully activated with SGSN CP=60.195.159.61, DP=117.72.59.30.")
                .setOrganisation(new Organisation(1825L, "Test Org"))
                .setUser(new User(77L, "ops@example.org", "Ops"))
                .setEndpoint(new Endpoint(20200078L, "Test Sim 2", "189.79.243.228", "960407272413998", "fleet,berlin"))
                .setSim(new Sim(646486L, "5746435358418205328", "2020-12-23T13:02:11.000Z", "423662217891"))
                .setImsi(new Imsi(12105613L, "693601932595201", "2020-12-23T13:02:11.000Z"))
                .setOperator(new VisitedOperator(3L, "Vodafone", 74L, "Germany", "49", "de", "262", "02", "DEUD2"))
                .setPdp(new PdpSession("d12c574f-e219-45a4-8836-d17a50f66fb1", 51755555L, "em", 2, "101.124.109.214",
                        Instant.parse("2021-10-27T08:38:02Z"), 1, "6887426203768011", "262", "02", 921L, 5174L, "eu-west-1",
                        "97.106.216.29", 0.25, 0.75, 1.0))
                .setQuota(new QuotaDetail(1, "ACTIVE", -0.0012, 80.0, 2.0, Instant.parse("2022-07-31T00:00:00Z"), 1, "Block",
                        128000L, false, 10.0, Instant.parse("2022-07-14T13:35:07.626Z"), 5, 4711L))
                .setDetail("{\"id\":3,\"name\":\"Vodafone\"}")
                .setDetailEncoding(DetailEncoding.JSON)
                .setExtra("{\"keen\":{\"timestamp\":\"2021-10-27T08:38:02.000Z\"}}")
                .setIngest(new IngestMetadata(IngestSource.STREAMER, Instant.parse("2021-10-27T08:38:03.120Z")))
                .build();
    }

    @Test
    void aFullyPopulatedEventRoundTrips() {
        Serde<EmnifyEvent> serde = serdes.forValue(EmnifyEvent.class);
        EmnifyEvent event = fullyPopulatedEvent();

        byte[] bytes = serde.serializer().serialize(RAW, event);

        assertThat(serde.deserializer().deserialize(RAW, bytes)).isEqualTo(event);
    }

    @Test
    void theFastUnionWriterWritesExactlyWhatAvrosOwnWriterWrites() throws IOException {
        EmnifyEvent full = fullyPopulatedEvent();
        EmnifyEvent sparse = EmnifyEvent.newBuilder().setId(1L).setTimestamp(Instant.parse("2026-01-01T00:00:00Z"))
                .setEventType(new CodedValue(1, null))
                .setIngest(new IngestMetadata(IngestSource.API, Instant.parse("2026-01-01T00:00:01Z"))).build();
        for (EmnifyEvent event : List.of(full, sparse)) {
            assertThat(encode(new NullableUnionWriter<>(EmnifyEvent.getClassSchema(), SpecificData.getForClass(EmnifyEvent.class)), event))
                    .isEqualTo(encode(new SpecificDatumWriter<>(EmnifyEvent.getClassSchema(),
                            SpecificData.getForClass(EmnifyEvent.class)), event));
        }
    }

    private static byte[] encode(DatumWriter<EmnifyEvent> writer, EmnifyEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void aRecordAlreadyInTheTopicsSchemaIsWrittenAsTheBytesItCameIn() {
        AvroSerializer<EmnifyEvent> serializer = serdes.valueSerializer(EmnifyEvent.class);
        EmnifyEvent event = fullyPopulatedEvent();
        byte[] read = serializer.serialize(RAW, event);

        // another topic whose subject holds the same schema: the same id, so the very same bytes
        assertThat(serializer.serializeReusing("emnify.events.data-connection", event, read)).isSameAs(read);
    }

    @Test
    void aRecordInAnotherSchemaVersionIsEncodedAgainWithTheTopicsOwnId() {
        AvroSerializer<EmnifyEvent> serializer = serdes.valueSerializer(EmnifyEvent.class);
        EmnifyEvent event = fullyPopulatedEvent();
        byte[] current = serializer.serialize(RAW, event);
        byte[] otherVersion = current.clone();
        otherVersion[4] = (byte) (otherVersion[4] + 1); // another schema id, same payload

        byte[] written = serializer.serializeReusing(RAW, event, otherVersion);

        assertThat(written).isNotSameAs(otherVersion).isEqualTo(current);
        assertThat(serializer.serializeReusing(RAW, event, null)).isEqualTo(current);
        assertThat(serializer.serializeReusing(RAW, event, new byte[]{0, 0})).isEqualTo(current);
    }

    @Test
    void aDeadLetterRoundTrips() {
        Serde<DeadLetter> serde = serdes.forValue(DeadLetter.class);
        DeadLetter letter = new DeadLetter("ingest.webhook", "body is not JSON: unexpected character at line 1 column 17",
                java.nio.ByteBuffer.wrap("{\"id\": 1,,}".getBytes(StandardCharsets.UTF_8)), Instant.parse("2024-03-01T10:15:30.123Z"),
                "STREAMER", "emnify.events.raw", 3, 1234567L, "20200078", 20_971_520L,
                "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea");

        byte[] bytes = serde.serializer().serialize("emnify.events.dlq", letter);

        assertThat(serde.deserializer().deserialize("emnify.events.dlq", bytes)).isEqualTo(letter);
    }

    @Test
    void aValueIsMagicByteZeroThenTheSchemaIdBigEndianThenAvro() {
        // push the id past one byte so its byte order shows
        for (int i = 0; i < 299; i++) {
            registry.register("filler-" + i, Schema.createFixed("F" + i, null, "test", 1));
        }
        byte[] bytes = serdes.forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent());

        RegisteredSchema registered = registry.latest(RAW + "-value");
        assertThat(registered.id()).isEqualTo(300);
        assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 0, 0, 0x01, 0x2c);
        assertThat(registered.schema()).isEqualTo(PublishedSchema.of(EmnifyEvent.getClassSchema()));
    }

    @Test
    void aSubjectWhereAProducerRegisteredThePublishedAvscKeepsOneVersionAndOneId() throws IOException {
        // what Confluent's KafkaAvroSerializer registers for a producer built on the published .avsc
        int eventId = registry.register(RAW + "-value", avsc("EmnifyEvent"));
        int deadLetterId = registry.register("emnify.events.dlq-value", avsc("DeadLetter"));
        Serde<EmnifyEvent> events = serdes.forValue(EmnifyEvent.class);
        Serde<DeadLetter> deadLetters = serdes.forValue(DeadLetter.class);
        DeadLetter deadLetter = DeadLetter.newBuilder().setStage("ingest.webhook").setReason("id is missing")
                .setOriginal(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8))).setAt(Instant.parse("2025-01-02T03:04:05Z"))
                .setSource("STREAMER").build();

        byte[] event = events.serializer().serialize(RAW, fullyPopulatedEvent());
        byte[] dead = deadLetters.serializer().serialize("emnify.events.dlq", deadLetter);

        assertThat(ByteBuffer.wrap(event, 1, 4).getInt()).isEqualTo(eventId);
        assertThat(ByteBuffer.wrap(dead, 1, 4).getInt()).isEqualTo(deadLetterId);
        assertThat(registry.versions(RAW + "-value")).containsExactly(1);
        assertThat(registry.versions("emnify.events.dlq-value")).containsExactly(1);
        // decoding still gives Java Strings (a Utf8 would not even fit the generated fields)
        EmnifyEvent decoded = events.deserializer().deserialize(RAW, event);
        assertThat(decoded).isEqualTo(fullyPopulatedEvent());
        assertThat((Object) decoded.getDescription()).isInstanceOf(String.class);
        assertThat((Object) decoded.getEndpoint().getName()).isInstanceOf(String.class);
        assertThat(deadLetters.deserializer().deserialize("emnify.events.dlq", dead)).isEqualTo(deadLetter);
    }

    @Test
    void withoutAutoRegistrationThePublishedAvscRegisteredByAnotherProducerIsUsed() throws IOException {
        int id = registry.register(RAW + "-value", avsc("EmnifyEvent"));

        byte[] bytes = new AvroSerdes(registry, false).forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent());

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EmnifyEvent", "DeadLetter", "DeviceState", "PresenceChange", "QuotaState", "QuotaManagementState"})
    void theSchemaFleetstreamRegistersIsExactlyThePublishedAvsc(String name) throws Exception {
        Schema generated = (Schema) Class.forName("io.fleetstream.avro." + name).getMethod("getClassSchema").invoke(null);

        Schema published = PublishedSchema.of(generated);

        assertThat(SchemaRegistryState.canonicalText(published)).isEqualTo(SchemaRegistryState.canonicalText(avsc(name)))
                .doesNotContain("avro.java.string");
    }

    private static Schema avsc(String name) throws IOException {
        return new Schema.Parser().parse(Files.readString(Path.of("src/main/avro", name + ".avsc")));
    }

    @Test
    void theSchemaIsRegisteredUnderTheTopicsValueSubject() {
        Serde<EmnifyEvent> serde = serdes.forValue(EmnifyEvent.class);
        serde.serializer().serialize(RAW, fullyPopulatedEvent());
        serde.serializer().serialize("emnify.events.data-connection", fullyPopulatedEvent());

        assertThat(registry.subjects()).containsExactly("emnify.events.data-connection-value", "emnify.events.raw-value");
        assertThat(AvroSerdes.valueSubject(RAW)).isEqualTo("emnify.events.raw-value");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaFailsSayingWhatToDo() {
        AvroSerdes lookupOnly = new AvroSerdes(registry, false);

        assertThatThrownBy(() -> lookupOnly.forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent()))
                .isInstanceOf(SerializationException.class)
                .hasMessage("the EmnifyEvent schema is not registered under subject 'emnify.events.raw-value' for topic 'emnify.events.raw',"
                        + " and auto-registration is off: register it first (POST /subjects/emnify.events.raw-value/versions)"
                        + " or turn auto-registration on");
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void withoutAutoRegistrationARegisteredSchemaIsUsed() {
        int id = registry.register(RAW + "-value", EmnifyEvent.getClassSchema());
        Serde<EmnifyEvent> serde = new AvroSerdes(registry, false).forValue(EmnifyEvent.class);

        byte[] bytes = serde.serializer().serialize(RAW, fullyPopulatedEvent());

        assertThat(bytes[4]).isEqualTo((byte) id);
        assertThat(serde.deserializer().deserialize(RAW, bytes)).isEqualTo(fullyPopulatedEvent());
    }

    @Test
    void anIncompatibleSchemaCannotBeAutoRegistered() {
        registry.register(RAW + "-value", Schema.createRecord("EmnifyEvent", null, "io.fleetstream.avro", false,
                java.util.List.of(new Schema.Field("unrelated", Schema.create(Schema.Type.STRING)))));

        assertThatThrownBy(() -> serdes.forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent()))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot register the EmnifyEvent schema under subject 'emnify.events.raw-value' for topic 'emnify.events.raw': ")
                .hasMessageContaining("incompatible");
    }

    @Test
    void theRegistryIsAskedOncePerTopicNotOncePerRecord() {
        CountingRegistry counting = new CountingRegistry(registry);
        Serde<EmnifyEvent> serde = new AvroSerdes(counting, true).forValue(EmnifyEvent.class);

        for (int i = 0; i < 100; i++) {
            byte[] bytes = serde.serializer().serialize(RAW, fullyPopulatedEvent());
            serde.deserializer().deserialize(RAW, bytes);
        }

        assertThat(counting.registrations).isEqualTo(1);
        assertThat(counting.schemaFetches).isEqualTo(1);
    }

    @Test
    void nullStaysNull() {
        Serde<EmnifyEvent> serde = serdes.forValue(EmnifyEvent.class);

        assertThat(serde.serializer().serialize(RAW, null)).isNull();
        assertThat(serde.deserializer().deserialize(RAW, null)).isNull();
    }

    @Test
    void anOlderWriterIsReadByANewerReaderWithTheNewFieldsDefaults() {
        SignalReading old = new SignalReading(20200078L, Instant.parse("2024-03-01T10:15:30Z"), "Vodafone");

        byte[] bytes = serdes.forValue(SignalReading.class).serializer().serialize("readings", old);
        var read = serdes.forValue(io.fleetstream.schemas.serde.evolution.v2.SignalReading.class).deserializer().deserialize("readings", bytes);

        assertThat(read).isEqualTo(new io.fleetstream.schemas.serde.evolution.v2.SignalReading(
                20200078L, Instant.parse("2024-03-01T10:15:30Z"), "Vodafone", 6, null));
    }

    @Test
    void aNewerWriterIsReadByAnOlderReaderWhichSkipsTheNewFields() {
        serdes.forValue(SignalReading.class).serializer().serialize("readings", new SignalReading(1L, Instant.EPOCH, "x"));
        var newer = new io.fleetstream.schemas.serde.evolution.v2.SignalReading(20200078L, Instant.parse("2024-03-01T10:15:30Z"),
                "Vodafone", 8, -87);

        byte[] bytes = serdes.forValue(io.fleetstream.schemas.serde.evolution.v2.SignalReading.class).serializer().serialize("readings", newer);
        SignalReading read = serdes.forValue(SignalReading.class).deserializer().deserialize("readings", bytes);

        assertThat(registry.versions("readings-value")).containsExactly(1, 2);
        assertThat(read).isEqualTo(new SignalReading(20200078L, Instant.parse("2024-03-01T10:15:30Z"), "Vodafone"));
    }

    @Test
    void aValueShorterThanTheHeaderIsRejected() {
        assertThatThrownBy(() -> deserialize(new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read a value of topic 'emnify.events.raw' as EmnifyEvent: the value has 0 byte(s), fewer than the"
                        + " 5-byte Confluent wire-format header (magic byte 0 and a 4-byte schema id)");
        assertThatThrownBy(() -> deserialize(new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("the value has 3 byte(s)");
    }

    @Test
    void aValueWithAnotherMagicByteIsRejected() {
        assertThatThrownBy(() -> deserialize("{\"id\": 31877325941}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read a value of topic 'emnify.events.raw' as EmnifyEvent: unknown magic byte 0x7b (expected 0x00):"
                        + " the value is not in the Confluent wire format (it looks like JSON)");
        assertThatThrownBy(() -> deserialize(new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown magic byte 0x01");
    }

    @Test
    void aValueNamingAnUnknownSchemaIdIsRejected() {
        assertThatThrownBy(() -> deserialize(new byte[] {0, 0, 0, 0x03, (byte) 0xe7, 2, 4}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read a value of topic 'emnify.events.raw' as EmnifyEvent: the value names schema id 999,"
                        + " which the schema registry does not have (schema id 999 not found)");
    }

    @Test
    void aTruncatedValueIsRejected() {
        byte[] bytes = serdes.forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent());

        assertThatThrownBy(() -> deserialize(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read a value of topic 'emnify.events.raw' as EmnifyEvent: the Avro data ended before the record did");
    }

    @Test
    void aValueWithBytesAfterTheRecordIsRejected() {
        byte[] bytes = serdes.forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent());

        assertThatThrownBy(() -> deserialize(Arrays.copyOf(bytes, bytes.length + 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes are left over after the record");
    }

    @Test
    void corruptAvroIsRejected() {
        byte[] bytes = serdes.forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent());
        byte[] corrupt = Arrays.copyOf(bytes, bytes.length);
        // the event id is the first field: ten continuation bytes make a varint no long can hold
        Arrays.fill(corrupt, 5, 15, (byte) 0xff);

        assertThatThrownBy(() -> deserialize(corrupt))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read a value of topic 'emnify.events.raw' as EmnifyEvent: the Avro data is corrupt for schema id");
    }

    @Test
    void aValueWrittenWithAnUnrelatedSchemaIsRejected() {
        int id = registry.register("labels-value", Schema.create(Schema.Type.STRING));

        assertThatThrownBy(() -> deserialize(new byte[] {0, 0, 0, 0, (byte) id, 2, 'x'}))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read a value of topic 'emnify.events.raw' as EmnifyEvent: it was written with schema id " + id)
                .hasMessageContaining("which EmnifyEvent cannot read");
    }

    @Test
    void eachRejectionSaysWhichProblemItIs() {
        byte[] bytes = serdes.forValue(EmnifyEvent.class).serializer().serialize(RAW, fullyPopulatedEvent());
        int unrelated = registry.register("labels-value", Schema.create(Schema.Type.STRING));

        assertThat(problemOf(new byte[] {0, 0, 1})).isEqualTo(UndecodableValueException.Problem.NOT_AVRO);
        assertThat(problemOf("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(UndecodableValueException.Problem.NOT_AVRO);
        assertThat(problemOf(Arrays.copyOf(bytes, bytes.length / 2))).isEqualTo(UndecodableValueException.Problem.NOT_AVRO);
        assertThat(problemOf(Arrays.copyOf(bytes, bytes.length + 3))).isEqualTo(UndecodableValueException.Problem.NOT_AVRO);
        assertThat(problemOf(new byte[] {0, 0, 0, 0x03, (byte) 0xe7, 2, 4}))
                .isEqualTo(UndecodableValueException.Problem.UNKNOWN_SCHEMA);
        assertThat(problemOf(new byte[] {0, 0, 0, 0, (byte) unrelated, 2, 'x'}))
                .isEqualTo(UndecodableValueException.Problem.SCHEMA_MISMATCH);
    }

    private UndecodableValueException.Problem problemOf(byte[] bytes) {
        try {
            deserialize(bytes);
        } catch (UndecodableValueException e) {
            return e.problem();
        }
        throw new AssertionError("decoded: " + Arrays.toString(bytes));
    }

    private EmnifyEvent deserialize(byte[] bytes) {
        return serdes.forValue(EmnifyEvent.class).deserializer().deserialize(RAW, bytes);
    }

    /** Counts the calls the serde makes, to show it caches. */
    private static final class CountingRegistry implements SchemaRegistry {
        private final SchemaRegistry delegate;
        int registrations;
        int schemaFetches;

        CountingRegistry(SchemaRegistry delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            registrations++;
            return delegate.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            schemaFetches++;
            return delegate.schemaById(id);
        }

        @Override
        public java.util.Optional<RegisteredSchema> lookup(String subject, Schema schema) {
            return delegate.lookup(subject, schema);
        }

        @Override
        public boolean isCompatible(String subject, Schema schema) {
            return delegate.isCompatible(subject, schema);
        }

        @Override
        public java.util.List<String> subjects() {
            return delegate.subjects();
        }

        @Override
        public java.util.List<Integer> versions(String subject) {
            return delegate.versions(subject);
        }

        @Override
        public RegisteredSchema version(String subject, int version) {
            return delegate.version(subject, version);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return delegate.latest(subject);
        }

        @Override
        public io.fleetstream.schemas.registry.CompatibilityLevel compatibility() {
            return delegate.compatibility();
        }

        @Override
        public io.fleetstream.schemas.registry.CompatibilityLevel compatibility(String subject) {
            return delegate.compatibility(subject);
        }

        @Override
        public void setCompatibility(String subject, io.fleetstream.schemas.registry.CompatibilityLevel level) {
            delegate.setCompatibility(subject, level);
        }
    }
}
