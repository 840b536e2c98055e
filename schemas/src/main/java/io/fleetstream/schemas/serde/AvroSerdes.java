package io.fleetstream.schemas.serde;

import io.fleetstream.schemas.registry.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one place fleetstream gets its Avro serdes: Confluent wire format, TopicNameStrategy
 * ({@code <topic>-value}), so any Confluent-compatible consumer reads what fleetstream writes.
 * Serdes are made once per record class and shared; they are thread-safe.
 */
public final class AvroSerdes {

    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final ConcurrentMap<Class<?>, Serde<?>> valueSerdes = new ConcurrentHashMap<>();

    /**
     * @param autoRegister register a record's schema under the topic's subject on first use; when
     *                     false the schema must already be registered there
     */
    public AvroSerdes(SchemaRegistry registry, boolean autoRegister) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.autoRegister = autoRegister;
    }

    /** The serde for record values of this generated class. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> forValue(Class<T> type) {
        return (Serde<T>) valueSerdes.computeIfAbsent(type, ignored ->
                Serdes.serdeFrom(new AvroSerializer<>(registry, autoRegister, type), new AvroDeserializer<>(registry, type)));
    }

    /** The shared serializer of {@code type}'s values, typed: for writers that reuse records already encoded. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> AvroSerializer<T> valueSerializer(Class<T> type) {
        return (AvroSerializer<T>) forValue(type).serializer();
    }

    /**
     * Resolves the schema id the shared serializer of {@code type} writes to {@code topic} with, and keeps it: after
     * this, writing such records to that topic never asks the registry. Fails as {@link AvroSerializer#schemaId} does.
     */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> int resolveValueSchema(Class<T> type, String topic) {
        return valueSerializer(type).schemaId(topic);
    }

    /** The subject a topic's values are registered under (TopicNameStrategy). */
    public static String valueSubject(String topic) {
        return WireFormat.valueSubject(topic);
    }
}
