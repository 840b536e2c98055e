package io.fleetstream.schemas.registry;

import java.util.List;

/**
 * Where a registry keeps its changes so that it survives restarts: an append-only, ordered log.
 * The embedded registry of {@code local} mode journals to a compacted Kafka topic; tests and the
 * in-memory registry use {@link InMemoryRegistryJournal}.
 */
public interface RegistryJournal extends AutoCloseable {

    /**
     * Stores the change durably and returns only once it is stored. A registry appends before it
     * applies a change, so an exception here leaves the registry as it was.
     */
    void append(RegistryChange change);

    /** Every change stored so far, oldest first. */
    List<RegistryChange> readAll();

    @Override
    default void close() {
    }
}
