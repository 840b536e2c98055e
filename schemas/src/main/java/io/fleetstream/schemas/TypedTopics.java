package io.fleetstream.schemas;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Objects;

/**
 * The pipeline's Avro topics with their serdes: the names from {@link Topics}, the value serdes from
 * {@link AvroSerdes} (Confluent wire format), and plain UTF-8 string keys, which consumers read with a
 * string deserializer ({@link io.fleetstream.schemas.emnify.EventKeys} builds them). Which record class a
 * topic carries is decided here and nowhere else.
 */
public final class TypedTopics {

    private static final Serde<String> KEYS = Serdes.String();

    private final Topics topics;
    private final AvroSerdes serdes;

    public TypedTopics(Topics topics, AvroSerdes serdes) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.serdes = Objects.requireNonNull(serdes, "serdes");
    }

    public Topics names() {
        return topics;
    }

    /** Normalised events from every source, before dedupe. */
    public TypedTopic<String, EmnifyEvent> raw() {
        return new TypedTopic<>(topics.raw(), KEYS, serdes.forValue(EmnifyEvent.class));
    }

    /** Records that could not be processed; written without a key. */
    public TypedTopic<String, DeadLetter> deadLetters() {
        return new TypedTopic<>(topics.deadLetters(), KEYS, serdes.forValue(DeadLetter.class));
    }

    /** Deduplicated events of one category; every category topic has the same key and value serdes. */
    public TypedTopic<String, EmnifyEvent> category(EventCategory category) {
        return new TypedTopic<>(topics.category(category), KEYS, serdes.forValue(EmnifyEvent.class));
    }

    public TypedTopic<String, DeviceState> deviceState() {
        return new TypedTopic<>(topics.deviceState(), KEYS, serdes.forValue(DeviceState.class));
    }

    public TypedTopic<String, PresenceChange> devicePresence() {
        return new TypedTopic<>(topics.devicePresence(), KEYS, serdes.forValue(PresenceChange.class));
    }

    public TypedTopic<String, QuotaState> quotaState() {
        return new TypedTopic<>(topics.quotaState(), KEYS, serdes.forValue(QuotaState.class));
    }

    public TypedTopic<String, QuotaManagementState> quotaManagement() {
        return new TypedTopic<>(topics.quotaManagement(), KEYS, serdes.forValue(QuotaManagementState.class));
    }
}
