package io.fleetstream.topology.query;

import java.util.List;
import java.util.Optional;

/** What the query API needs to know about the running application: who owns which partition. */
public interface Cluster {

    /** This instance, as the others reach it. */
    Instance self();

    /** The Kafka Streams state of this instance (CREATED, REBALANCING, RUNNING, ...). */
    String state();

    /** Whether this instance is processing (Kafka Streams RUNNING): the readiness of the instance. */
    boolean running();

    /**
     * What Kafka Streams waits for before it can start or go on (a schema the registry refuses, the registry itself),
     * if anything: the instance is unready meanwhile.
     */
    default Optional<String> waitingFor() {
        return Optional.empty();
    }

    /**
     * The partition of {@code key} in {@code store} and its owners.
     *
     * @throws NotQueryableException when the key has no active owner right now
     */
    PartitionOwners ownersOf(String store, String key);

    /**
     * The owners of every partition of the application's stores, ordered by partition.
     *
     * @throws NotQueryableException when some partition has no active owner right now
     */
    List<PartitionOwners> owners();

    /**
     * The owners of every partition of one store, ordered by partition: those of {@link #owners()} unless the store
     * is fed in a sub-topology of its own (the usage stores from the raw usage topic, the carrier incidents from a
     * topic of fleetstream's own), whose tasks are assigned apart.
     *
     * @throws NotQueryableException when some partition has no active owner right now
     */
    default List<PartitionOwners> owners(String store) {
        return owners();
    }

    /** Every instance of the application and what it holds. */
    List<InstanceMembership> members();
}
