package io.fleetstream.topology.quota;

import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonGuard;
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
    /** The stages of this part's dead letters. */
    public static final String STATE_STAGE = "topology.quota-state";
    public static final String MANAGEMENT_STAGE = "topology.quota-management";

    private QuotaTopology() {
    }

    /**
     * Adds the quota nodes, stores and sinks below {@code parent}, a node that emits deduplicated events. Each store is
     * the table of its topic, with the topic's serdes. Both processors must be parents of the dead-letter sink.
     */
    public static void addTo(Topology topology, TypedTopics topics, String parent, DeadLetterSink deadLetters,
                             QuotaMeters meters) {
        TypedTopic<String, QuotaState> quotaStates = topics.quotaState();
        DeadLetterStage stateStage = deadLetters.processingStage(STATE_STAGE);
        topology.addProcessor(STATE_PROCESSOR, () -> new PoisonGuard<>(stateStage, new QuotaStateProcessor(STATE_SINK, meters)),
                parent);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(QuotaStateProcessor.STATE_STORE), quotaStates.keySerde(),
                quotaStates.valueSerde()), STATE_PROCESSOR);
        topology.addSink(STATE_SINK, quotaStates.name(), quotaStates.keySerializer(), quotaStates.valueSerializer(),
                STATE_PROCESSOR);

        TypedTopic<String, QuotaManagementState> managementStates = topics.quotaManagement();
        DeadLetterStage managementStage = deadLetters.processingStage(MANAGEMENT_STAGE);
        topology.addProcessor(MANAGEMENT_PROCESSOR, () -> new PoisonGuard<>(managementStage,
                new QuotaManagementProcessor(MANAGEMENT_SINK)), parent);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(QuotaManagementProcessor.MANAGEMENT_STORE), managementStates.keySerde(),
                managementStates.valueSerde()), MANAGEMENT_PROCESSOR);
        topology.addSink(MANAGEMENT_SINK, managementStates.name(), managementStates.keySerializer(),
                managementStates.valueSerializer(), MANAGEMENT_PROCESSOR);
    }
}
