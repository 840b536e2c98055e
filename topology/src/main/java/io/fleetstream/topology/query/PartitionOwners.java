package io.fleetstream.topology.query;

import java.util.List;
import java.util.Objects;

/**
 * Who holds one partition's state: the active instance, which is up to date, and the standbys,
 * which replicate its changelog and may lag behind.
 */
public record PartitionOwners(int partition, Instance active, List<Instance> standbys) {

    public PartitionOwners {
        Objects.requireNonNull(active, "active");
        standbys = List.copyOf(standbys);
    }
}
