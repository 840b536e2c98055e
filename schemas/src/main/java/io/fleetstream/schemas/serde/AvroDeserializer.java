package io.fleetstream.schemas.serde;

import io.fleetstream.schemas.registry.SchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.schemas.serde.UndecodableValueException.Problem;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads Confluent wire-format values into a generated Avro record class. The writer's schema is
 * fetched by the id in the value (once per id) and resolved to the class's schema, so records
 * written with an older or a newer compatible version read fine.
 *
 * <p>Values that are not what they should be (too short, wrong magic byte, an id the registry does
 * not know, Avro that does not match its schema) fail with an {@link UndecodableValueException} (a
 * {@link SerializationException}) saying which, in words and as a {@link Problem}. Other registry
 * failures (unreachable, errors) pass through as {@link SchemaRegistryException}: they are no fault
 * of the record. Thread-safe: datum readers are shared per writer schema, decoders are per thread.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final SchemaRegistry registry;
    private final SpecificData model;
    private final Schema readerSchema;
    private final String typeName;
    private final ConcurrentMap<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    public AvroDeserializer(SchemaRegistry registry, Class<T> type) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.typeName = type.getSimpleName();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER_LENGTH) {
            throw new UndecodableValueException(Problem.NOT_AVRO, cannot(topic) + "the value has " + data.length + " byte(s), fewer than the "
                    + WireFormat.HEADER_LENGTH + "-byte Confluent wire-format header (magic byte 0 and a 4-byte schema id)");
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new UndecodableValueException(Problem.NOT_AVRO, cannot(topic) + String.format("unknown magic byte 0x%02x (expected 0x00): ", data[0] & 0xff)
                    + "the value is not in the Confluent wire format" + (data[0] == '{' || data[0] == '[' ? " (it looks like JSON)" : ""));
        }
        int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        DatumReader<T> reader = readerFor(id, topic);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH,
                data.length - WireFormat.HEADER_LENGTH, decoders.get());
        decoders.set(decoder);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new UndecodableValueException(Problem.NOT_AVRO, cannot(topic) + "the Avro data ended before the record did (schema id " + id
                    + "): the value is truncated or was written with another schema", e);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableValueException(Problem.NOT_AVRO, cannot(topic) + "the Avro data is corrupt for schema id " + id + ": " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new UndecodableValueException(Problem.NOT_AVRO, cannot(topic) + "bytes are left over after the record (schema id " + id
                        + "): the value is corrupt or was written with another schema");
            }
        } catch (IOException e) {
            throw new UndecodableValueException(Problem.NOT_AVRO, cannot(topic) + "the Avro data is corrupt for schema id " + id + ": " + e, e);
        }
        return record;
    }

    private DatumReader<T> readerFor(int id, String topic) {
        DatumReader<T> cached = readersByWriterId.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw new UndecodableValueException(Problem.UNKNOWN_SCHEMA, cannot(topic) + "the value names schema id " + id
                        + ", which the schema registry does not have (" + e.getMessage() + ")", e);
            }
            throw e;
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new UndecodableValueException(Problem.SCHEMA_MISMATCH, cannot(topic) + "it was written with schema id " + id + " (" + writerSchema.getFullName()
                    + "), which " + typeName + " cannot read: " + compatibility.getDescription());
        }
        DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
        DatumReader<T> raced = readersByWriterId.putIfAbsent(id, reader);
        return raced == null ? reader : raced;
    }

    private String cannot(String topic) {
        return "cannot read a value of topic '" + topic + "' as " + typeName + ": ";
    }
}
