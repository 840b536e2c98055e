package io.fleetstream.ingest.poller;

import io.fleetstream.ingest.publish.KafkaUnavailableException;

import java.time.Duration;
import java.util.Optional;

/**
 * The right to be an organisation's one active poller, and the durable checkpoint that goes with it. Replicas with
 * the same poller id compete for the lease; the holder polls, the others wait. Called from the poller's thread only.
 */
public interface PollerLease extends AutoCloseable {

    /**
     * Keeps this replica's claim alive and says whether it holds the lease, waiting up to {@code wait} for a change
     * (zero: just check). True only once the stored checkpoint has been read.
     */
    boolean held(Duration wait);

    /** The checkpoint stored when the lease was last acquired, or saved since; empty for a poller that never saved one. */
    Optional<PollerCheckpoint> checkpoint();

    /**
     * Stores a checkpoint durably and returns once it is acknowledged.
     *
     * @throws KafkaUnavailableException when it could not be stored; the caller keeps the previous one and retries
     */
    void save(PollerCheckpoint checkpoint) throws KafkaUnavailableException;

    /** Gives the lease up at once, so another replica takes over without waiting for a timeout. */
    @Override
    void close();
}
