package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.serde.AvroSerializer;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Objects;

/**
 * A usage record as the topology received it: decoded, and the exact bytes (Confluent wire format) it came in from the
 * raw usage topic, so that it is written to its traffic type's topic as those bytes, not encoded again (as
 * {@link io.fleetstream.topology.routing.ReceivedEvent} does for events).
 */
public record ReceivedUsage(UsageRecord usage, byte[] wireFormat) {

    public ReceivedUsage {
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(wireFormat, "wireFormat");
    }

    /** Its own bytes when they carry the schema id the topic's values are written with, otherwise encoded anew. */
    public static Serializer<ReceivedUsage> serializer(AvroSerializer<UsageRecord> usage) {
        return (topic, received) -> received == null ? null
                : usage.serializeReusing(topic, received.usage(), received.wireFormat());
    }

    @Override
    public String toString() {
        return "ReceivedUsage[id=" + usage.getId() + ", " + wireFormat.length + " bytes]";
    }
}
