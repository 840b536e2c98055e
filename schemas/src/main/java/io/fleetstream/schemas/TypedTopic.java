package io.fleetstream.schemas;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Objects;

/**
 * A topic with the serdes of its keys and values: what a reader or writer of the topic must agree on,
 * declared once in {@link TypedTopics} so that wiring never picks a serde again.
 */
public record TypedTopic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Class<V> valueType) {

    public TypedTopic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(valueType, "valueType");
    }

    public Serializer<K> keySerializer() {
        return keySerde.serializer();
    }

    public Deserializer<K> keyDeserializer() {
        return keySerde.deserializer();
    }

    public Serializer<V> valueSerializer() {
        return valueSerde.serializer();
    }

    public Deserializer<V> valueDeserializer() {
        return valueSerde.deserializer();
    }
}
