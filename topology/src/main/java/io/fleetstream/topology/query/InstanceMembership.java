package io.fleetstream.topology.query;

import java.util.SortedSet;
import java.util.TreeSet;

/** One instance of the application and the partitions it holds, as the last rebalance assigned them. */
public record InstanceMembership(Instance instance, SortedSet<Integer> activePartitions,
                                 SortedSet<Integer> standbyPartitions) {

    public InstanceMembership {
        activePartitions = new TreeSet<>(activePartitions);
        standbyPartitions = new TreeSet<>(standbyPartitions);
    }
}
