package io.fleetstream.schemas.serde;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.CompatibilityLevel;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device-state topic and the stores' changelogs hold states written before {@code DeviceState.tags} existed, and a
 * rolling upgrade runs old and new instances side by side: the field must be a compatible evolution both ways.
 */
class DeviceStateEvolutionTest {

    private static final String TOPIC = Topics.withDefaultPrefix().deviceState();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerdes serdes = new AvroSerdes(registry, true);

    /** The published DeviceState schema as it was before it kept tags: the same without the field. */
    private static Schema withoutTags() {
        Schema now = PublishedSchema.of(DeviceState.getClassSchema());
        assertThat(now.getField("tags")).as("the field this test is about").isNotNull();
        List<Schema.Field> fields = now.getFields().stream().filter(f -> !f.name().equals("tags"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(now.getName(), now.getDoc(), now.getNamespace(), false, fields);
    }

    @Test
    void aStateWrittenBeforeTagsWereKeptReadsWithTagsNull() throws IOException {
        Schema before = withoutTags();
        int id = registry.register(AvroSerdes.valueSubject(TOPIC), before);
        GenericRecord old = new GenericData.Record(before);
        old.put("endpoint_id", 20200078L);
        old.put("organisation_id", 1825L);
        old.put("status", new GenericData.EnumSymbol(before.getField("status").schema(), "ONLINE"));
        old.put("online", true);
        old.put("sessions", 3L);
        old.put("rejections", 0L);

        DeviceState read = serdes.forValue(DeviceState.class).deserializer().deserialize(TOPIC, wire(id, before, old));

        assertThat(read.getEndpointId()).isEqualTo(20200078L);
        assertThat(read.getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
        assertThat(read.getSessions()).isEqualTo(3L);
        assertThat(read.getTags()).isNull();
    }

    @Test
    void theSchemaWithTagsRegistersOverTheOneWithoutEvenUnderFullTransitiveAndOldReadersSkipTheTags() throws IOException {
        Schema before = withoutTags();
        String subject = AvroSerdes.valueSubject(TOPIC);
        registry.setCompatibility(subject, CompatibilityLevel.FULL_TRANSITIVE);
        registry.register(subject, before);
        DeviceState state = DeviceState.newBuilder().setEndpointId(7).setStatus(ConnectivityStatus.ATTACHED)
                .setOnline(false).setTags(List.of("cold-chain", "berlin")).build();

        byte[] bytes = serdes.forValue(DeviceState.class).serializer().serialize(TOPIC, state);

        assertThat(registry.versions(subject)).hasSize(2);
        byte[] body = Arrays.copyOfRange(bytes, 5, bytes.length);
        Schema written = PublishedSchema.of(DeviceState.getClassSchema());
        GenericRecord seenByAnOldInstance = new GenericDatumReader<GenericRecord>(written, before)
                .read(null, DecoderFactory.get().binaryDecoder(body, null));
        assertThat(seenByAnOldInstance.get("endpoint_id")).isEqualTo(7L);
        assertThat(seenByAnOldInstance.hasField("tags")).isFalse();
        assertThat(serdes.forValue(DeviceState.class).deserializer().deserialize(TOPIC, bytes)).isEqualTo(state);
    }

    private static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
