package io.fleetstream.topology.quota;

import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The quota part of the topology: deduplicated events → per-device quota state (store
 * {@value QuotaStateProcessor#STATE_STORE}, topic {@code <prefix>quota.state} keyed by endpoint id) and
 * per-organisation quota management (store {@value QuotaManagementProcessor#MANAGEMENT_STORE}, topic
 * {@code <prefix>quota.management} keyed by organisation id). Both stores are persistent, logged to
 * changelogs named after them, and queryable.
 */
public final class QuotaTopology {

    public static final String STATE_PROCESSOR = "quota-state-processor";
    public static final String STATE_SINK = "quota-state-sink";
    public static final String MANAGEMENT_PROCESSOR = "quota-management-processor";
    public static final String MANAGEMENT_SINK = "quota-management-sink";

    private QuotaTopology() {
    }

    /** Adds the quota nodes, stores and sinks below {@code parent}, a node that emits deduplicated events. */
    public static void addTo(Topology topology, TopologyConfig config, AvroSerdes serdes, String parent) {
        Serde<QuotaState> quotaStates = serdes.forValue(QuotaState.class);
        topology.addProcessor(STATE_PROCESSOR, () -> new QuotaStateProcessor(STATE_SINK), parent);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(QuotaStateProcessor.STATE_STORE), Serdes.String(), quotaStates),
                STATE_PROCESSOR);
        topology.addSink(STATE_SINK, config.topics().quotaState(), Serdes.String().serializer(),
                quotaStates.serializer(), STATE_PROCESSOR);

        Serde<QuotaManagementState> managementStates = serdes.forValue(QuotaManagementState.class);
        topology.addProcessor(MANAGEMENT_PROCESSOR, () -> new QuotaManagementProcessor(MANAGEMENT_SINK), parent);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(QuotaManagementProcessor.MANAGEMENT_STORE), Serdes.String(),
                managementStates), MANAGEMENT_PROCESSOR);
        topology.addSink(MANAGEMENT_SINK, config.topics().quotaManagement(), Serdes.String().serializer(),
                managementStates.serializer(), MANAGEMENT_PROCESSOR);
    }
}
