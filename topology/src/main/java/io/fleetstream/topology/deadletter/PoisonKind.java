package io.fleetstream.topology.deadletter;

import io.fleetstream.schemas.serde.UndecodableValueException;
import org.apache.kafka.common.errors.SerializationException;

import java.util.Locale;

/**
 * Why the topology dead-lettered a record, in a few fixed words: the {@code reason} tag of the dead-letter counter.
 * The dead letter's own reason is free text for a person and never a tag (one series per message would be unbounded).
 */
public enum PoisonKind {
    /** A raw record without a value (a tombstone). */
    NO_VALUE,
    /** Not Avro in the Confluent wire format, or an Avro body that does not decode. */
    NOT_AVRO,
    /** A schema id the registry does not have. */
    UNKNOWN_SCHEMA,
    /** A registered schema an event cannot be read from. */
    SCHEMA_MISMATCH,
    /** Decoded, but a processing stage threw on it. */
    PROCESSING_FAILED,
    /** A usage record of a traffic type fleetstream has no topic for (it routes 5 Data and 6 SMS). */
    UNKNOWN_TRAFFIC_TYPE;

    /** The tag value: the lower-case name. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind of a processing stage's failure: what the deserializer says when the stage decoded an event it held in
     * its raw bytes, else a processing failure (a serializer that fails on a state the stage computed is one too).
     */
    public static PoisonKind of(Throwable failure) {
        return failure instanceof UndecodableValueException undecodable ? ofUndecodable(undecodable) : PROCESSING_FAILED;
    }

    /** A value that does not decode: what the deserializer says, or not Avro when it does not say. */
    public static PoisonKind ofUndecodable(SerializationException failure) {
        if (failure instanceof UndecodableValueException undecodable) {
            return switch (undecodable.problem()) {
                case NOT_AVRO -> NOT_AVRO;
                case UNKNOWN_SCHEMA -> UNKNOWN_SCHEMA;
                case SCHEMA_MISMATCH -> SCHEMA_MISMATCH;
            };
        }
        return NOT_AVRO;
    }
}
