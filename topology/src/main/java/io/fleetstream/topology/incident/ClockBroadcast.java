package io.fleetstream.topology.incident;

import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.avro.NetworkPresenceChange;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Partitions fleet.presence-by-network: a group's records by their key (the producer's default partitioning), a
 * watermark ({@link NetworkPresenceChange#CLOCK}) to every partition, since every detector task waits for the
 * watermark of every device-state task (KIP-873's multicast).
 */
final class ClockBroadcast implements StreamPartitioner<String, NetworkPresence> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, NetworkPresence value, int numPartitions) {
        if (value == null || value.getChange() != NetworkPresenceChange.CLOCK) {
            return Optional.empty();
        }
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }
}
