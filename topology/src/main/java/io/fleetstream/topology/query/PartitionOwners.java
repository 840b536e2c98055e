package io.fleetstream.topology.query;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds one partition's state: the active instance, which is up to date, and the standbys,
 * which replicate its changelog and may lag behind. While the group rebalances a partition may have
 * standbys and no active owner; one with neither has no owner and cannot be read at all.
 */
public record PartitionOwners(int partition, Optional<Instance> active, List<Instance> standbys) {

    public PartitionOwners {
        Objects.requireNonNull(active, "active");
        standbys = List.copyOf(standbys);
        if (active.isEmpty() && standbys.isEmpty()) {
            throw new IllegalArgumentException("partition " + partition + " has no owner: neither active nor standby");
        }
    }

    public PartitionOwners(int partition, Instance active, List<Instance> standbys) {
        this(partition, Optional.of(Objects.requireNonNull(active, "active")), standbys);
    }
}
