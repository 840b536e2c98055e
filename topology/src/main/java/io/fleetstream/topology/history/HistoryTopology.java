package io.fleetstream.topology.history;

import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonGuard;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The history part of the topology: deduplicated events → the queryable store
 * {@value EventHistoryProcessor#HISTORY_STORE}, persistent and logged to a changelog named after it.
 */
public final class HistoryTopology {

    public static final String PROCESSOR = "event-history-processor";
    /** The stage of this part's dead letters. */
    public static final String STAGE = "topology.history";

    private HistoryTopology() {
    }

    /**
     * Adds the history processor and its stores below {@code parent}, a node that emits deduplicated events;
     * {@link #PROCESSOR} must be a parent of the dead-letter sink.
     */
    public static void addTo(Topology topology, TopologyConfig config, String parent, DeadLetterSink deadLetters) {
        DeadLetterStage stage = deadLetters.processingStage(STAGE);
        // stored events are kept in the wire format they were received in from the raw topic
        topology.addProcessor(PROCESSOR, () -> new PoisonGuard<>(stage, new EventHistoryProcessor(config.history())),
                parent);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EventHistoryProcessor.HISTORY_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);
    }
}
