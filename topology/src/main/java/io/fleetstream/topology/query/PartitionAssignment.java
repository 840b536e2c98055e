package io.fleetstream.topology.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which instance holds which partition of the stores' source topic, as the last rebalance assigned
 * them, against the number of partitions the topic really has.
 *
 * <p>The partition count must come from the topic, not from the assignment: a partition that no
 * instance holds right now appears in no instance's metadata, and a count derived from the highest
 * partition assigned would drop it, and its devices, from every fleet-wide answer without a word.
 *
 * @param topic          the source topic, named in errors
 * @param partitionCount how many partitions the topic has
 * @param members        every instance and the partitions it holds
 */
public record PartitionAssignment(String topic, int partitionCount, List<InstanceMembership> members) {

    public PartitionAssignment {
        Objects.requireNonNull(topic, "topic");
        if (partitionCount < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitionCount);
        }
        members = List.copyOf(members);
    }

    /**
     * The owners of every partition of the topic, ordered by partition.
     *
     * @throws NotQueryableException when some partition has no owner, neither active nor standby
     */
    public List<PartitionOwners> owners() {
        List<PartitionOwners> owners = new ArrayList<>();
        SortedSet<Integer> unowned = new TreeSet<>();
        for (int partition = 0; partition < partitionCount; partition++) {
            Optional<PartitionOwners> held = held(partition);
            held.ifPresent(owners::add);
            if (held.isEmpty()) {
                unowned.add(partition);
            }
        }
        if (!unowned.isEmpty()) {
            throw new NotQueryableException((unowned.size() == 1 ? "partition " : "partitions ") + join(unowned)
                    + " of the " + partitionCount + " of " + topic + " " + (unowned.size() == 1 ? "has" : "have")
                    + " no owner right now, neither active nor standby (the group is rebalancing or starting), "
                    + "so an answer about the whole fleet would miss " + (unowned.size() == 1 ? "its" : "their")
                    + " devices; retry shortly");
        }
        return owners;
    }

    /**
     * The owners of one partition.
     *
     * @throws NotQueryableException when the partition has no owner, neither active nor standby
     */
    public PartitionOwners ownersOf(int partition) {
        if (partition < 0 || partition >= partitionCount) {
            throw new IllegalArgumentException("partition " + partition + " is not one of the " + partitionCount
                    + " of " + topic);
        }
        return held(partition).orElseThrow(() -> new NotQueryableException("partition " + partition + " of " + topic
                + " has no owner right now, neither active nor standby (the group is rebalancing or starting); retry shortly"));
    }

    private Optional<PartitionOwners> held(int partition) {
        Optional<Instance> active = members.stream().filter(m -> m.activePartitions().contains(partition))
                .map(InstanceMembership::instance).findFirst();
        List<Instance> standbys = members.stream().filter(m -> m.standbyPartitions().contains(partition))
                .map(InstanceMembership::instance).sorted(Comparator.comparing(Instance::toString)).toList();
        if (active.isEmpty() && standbys.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PartitionOwners(partition, active, standbys));
    }

    private static String join(SortedSet<Integer> partitions) {
        return String.join(", ", partitions.stream().map(String::valueOf).toList());
    }
}
