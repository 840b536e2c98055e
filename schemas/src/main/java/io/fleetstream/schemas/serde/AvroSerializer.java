package io.fleetstream.schemas.serde;

import io.fleetstream.schemas.registry.SchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Writes a generated Avro record in the Confluent wire format: magic byte 0, the schema's global id
 * (4 bytes, big-endian), then Avro binary. The subject is {@code <topic>-value} (TopicNameStrategy).
 *
 * <p>The schema id is resolved once per topic: registered on first use when auto-registration is
 * on, otherwise looked up, failing when the schema is not registered. The schema registered and
 * looked up is the one published in the record's {@code .avsc} ({@link PublishedSchema}), so a
 * producer that registers the {@code .avsc} itself and fleetstream share one schema id and version. After that no record touches
 * the registry. Thread-safe: the datum writer is shared, the output buffer and encoder are per thread.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private static final class Scratch {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
    }

    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final Schema schema;
    /** What is registered and looked up: the schema as published in its .avsc (see {@link PublishedSchema}). */
    private final Schema published;
    private final String typeName;
    private final DatumWriter<T> writer;
    private final ConcurrentMap<String, Integer> idsByTopic = new ConcurrentHashMap<>();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    public AvroSerializer(SchemaRegistry registry, boolean autoRegister, Class<T> type) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.autoRegister = autoRegister;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.published = PublishedSchema.of(schema);
        this.typeName = type.getSimpleName();
        this.writer = new NullableUnionWriter<>(schema, model);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int id = schemaId(topic);
        Scratch buffer = scratch.get();
        buffer.out.reset();
        buffer.out.write(WireFormat.MAGIC_BYTE);
        buffer.out.write(id >>> 24);
        buffer.out.write(id >>> 16);
        buffer.out.write(id >>> 8);
        buffer.out.write(id);
        buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
        try {
            writer.write(record, buffer.encoder);
            buffer.encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + typeName + " to topic '" + topic + "' as Avro: " + e.getMessage(), e);
        }
        return buffer.out.toByteArray();
    }

    /**
     * {@code record} as it would be written to {@code topic}, reusing {@code encoded} (the same record already in the
     * wire format, e.g. as it was read) when that carries the schema id this topic's records are written with: then
     * the bytes are the same, and nothing is encoded again. Otherwise (another schema version, or no bytes) it is
     * encoded as {@link #serialize} does.
     */
    public byte[] serializeReusing(String topic, T record, byte[] encoded) {
        if (encoded != null && encoded.length > WireFormat.HEADER_LENGTH && encoded[0] == WireFormat.MAGIC_BYTE
                && ByteBuffer.wrap(encoded, 1, 4).getInt() == schemaId(topic)) {
            return encoded;
        }
        return serialize(topic, record);
    }

    /**
     * The schema id records for this topic are written with: registered (or looked up) now unless already known.
     * Calling it before records flow moves every registry call, and its failures, out of the record path.
     *
     * @throws SerializationException when the subject refuses the schema (incompatible, invalid) or, without
     *                                auto-registration, does not hold it; the cause carries the registry's error
     * @throws io.fleetstream.schemas.registry.SchemaRegistryException when the registry cannot be asked
     */
    public int schemaId(String topic) {
        Integer cached = idsByTopic.get(topic);
        if (cached != null) {
            return cached;
        }
        int id = autoRegister ? register(topic) : lookUp(topic);
        idsByTopic.putIfAbsent(topic, id);
        return id;
    }

    private int register(String topic) {
        String subject = WireFormat.valueSubject(topic);
        try {
            return registry.register(subject, published);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.INCOMPATIBLE_SCHEMA || e.errorCode() == SchemaRegistryException.INVALID_SCHEMA) {
                throw new SerializationException("cannot register the " + typeName + " schema under subject '" + subject
                        + "' for topic '" + topic + "': " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private int lookUp(String topic) {
        String subject = WireFormat.valueSubject(topic);
        // a subject may hold the generated schema, which fleetstream registered before it registered the published one
        return registry.lookup(subject, published)
                .or(() -> registry.lookup(subject, schema))
                .orElseThrow(() -> new SerializationException("the " + typeName + " schema is not registered under subject '"
                        + subject + "' for topic '" + topic + "', and auto-registration is off: register it first"
                        + " (POST /subjects/" + subject + "/versions) or turn auto-registration on",
                        // the registry's answer, so callers can tell this from a record that cannot be written
                        SchemaRegistryException.of(SchemaRegistryException.SCHEMA_NOT_FOUND,
                                "schema not found under subject '" + subject + "'")))
                .id();
    }
}
