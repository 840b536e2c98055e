package io.fleetstream.ingest.publish;

/**
 * A publish that did not complete: some records may have been written, but the caller must treat the whole
 * request as not accepted. The message says what failed, never what the records contained.
 */
public abstract sealed class PublishException extends Exception
        permits KafkaUnavailableException, SchemaRegistryFailureException {

    protected PublishException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the same records can succeed later without anyone changing anything (Kafka or the registry is down
     * or overloaded), so the sender should retry after a pause; false when only an operator can fix it.
     */
    public abstract boolean isTransient();
}
