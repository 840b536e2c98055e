package io.fleetstream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.util.Objects;

/**
 * A value that is not what its topic should hold, and which of the ways it is not: the record's own fault, never the
 * registry's (an unreachable registry is a {@link io.fleetstream.schemas.registry.SchemaRegistryException}). A
 * {@link SerializationException}, so code that handles any undecodable value needs nothing new.
 */
public final class UndecodableValueException extends SerializationException {

    /** Why a value cannot be read. */
    public enum Problem {
        /**
         * Not Avro in the Confluent wire format: too short for its header, another magic byte (JSON, plain text), or an
         * Avro body that does not decode with the schema it names (truncated, corrupt, bytes left over). Avro binary
         * does not describe itself, so a body written with another schema than the id says looks like this too.
         */
        NOT_AVRO,
        /** Names a schema id the registry does not have (another registry's id, or a deleted schema). */
        UNKNOWN_SCHEMA,
        /** Written with a registered schema the reader's record cannot be read from (another record, an incompatible change). */
        SCHEMA_MISMATCH
    }

    private final Problem problem;

    public UndecodableValueException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public UndecodableValueException(Problem problem, String message) {
        this(problem, message, null);
    }

    public Problem problem() {
        return problem;
    }
}
