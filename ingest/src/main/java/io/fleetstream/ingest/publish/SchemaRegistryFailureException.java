package io.fleetstream.ingest.publish;

import io.fleetstream.schemas.registry.SchemaRegistryException;

/**
 * The Schema Registry could not give a schema id, so nothing was sent to Kafka. Transient when the registry was
 * unreachable, timed out, or answered 5xx or 429; otherwise (incompatible or invalid schema, unknown subject with
 * auto-registration off, credentials refused) no retry succeeds until an operator fixes the registry or
 * fleetstream's configuration. The message comes from the registry client, which names the registry by its URL
 * without credentials and redacts the password from anything the registry answered.
 */
public final class SchemaRegistryFailureException extends PublishException {

    private final boolean transientFailure;

    SchemaRegistryFailureException(String message, SchemaRegistryException cause) {
        super(message, cause);
        this.transientFailure = isTransient(cause.httpStatus());
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }

    /** No answer (0), a server error, or "too many requests" / "request timeout": worth retrying unchanged. */
    private static boolean isTransient(int httpStatus) {
        return httpStatus == 0 || httpStatus >= 500 || httpStatus == 429 || httpStatus == 408;
    }
}
