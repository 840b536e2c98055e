package io.fleetstream.topology.availability;

import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The availability part of the topology: the presence changes → the queryable store
 * {@value AvailabilityProcessor#STORE}, persistent and logged to a changelog named after it. It hangs below the
 * device-state processor's presence node, in the device state's sub-topology, so its partitions are the raw topic's
 * and the query API finds a device's timeline where it finds the device's state.
 */
public final class AvailabilityTopology {

    public static final String PROCESSOR = "device-availability-processor";

    private AvailabilityTopology() {
    }

    /** @param presence the node forwarding every presence change (the device topology's presence node) */
    public static void addTo(Topology topology, TopologyConfig config, String presence) {
        topology.addProcessor(PROCESSOR, () -> new AvailabilityProcessor(config.history()), presence);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(AvailabilityProcessor.STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);
    }
}
