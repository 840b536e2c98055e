package io.fleetstream.ingest.publish;

/**
 * Kafka did not acknowledge every record of a publish: a send failed, a value could not be serialised for a
 * reason other than the Schema Registry, or the acknowledgement timeout passed. Some records may have been
 * written; the caller must treat the whole request as not accepted so the sender retries it (downstream dedupes
 * on event id). The message says what failed, never what the records contained.
 */
public final class KafkaUnavailableException extends PublishException {

    public KafkaUnavailableException(String message) {
        super(message, null);
    }

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
