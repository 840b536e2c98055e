package io.fleetstream.topology.routing;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.serde.AvroSerializer;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Objects;

/**
 * An event as the topology received it: decoded, and the exact bytes it came in (Confluent wire format) from the raw
 * topic. What flows from the decoder to every processor, so that a node writing the event somewhere (its category
 * topic, the history, the reorder buffer) writes those bytes instead of encoding the event again: the record's value
 * schema is the same everywhere.
 */
public record ReceivedEvent(EmnifyEvent event, byte[] wireFormat) {

    public ReceivedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(wireFormat, "wireFormat");
    }

    /**
     * Writes a received event to a topic of event values: its own bytes when they carry the schema id that topic's
     * values are written with (the usual case: one schema, one id), otherwise encoded anew, so a category topic never
     * holds an id not registered under its subject.
     */
    public static Serializer<ReceivedEvent> serializer(AvroSerializer<EmnifyEvent> events) {
        return (topic, received) -> received == null ? null
                : events.serializeReusing(topic, received.event(), received.wireFormat());
    }
}
