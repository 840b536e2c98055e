package io.fleetstream.topology.history;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The history part of the topology: deduplicated events → the queryable store
 * {@value EventHistoryProcessor#HISTORY_STORE} (with its expiry index
 * {@value EventHistoryProcessor#EXPIRY_STORE}), both persistent and logged to changelogs named after them.
 */
public final class HistoryTopology {

    public static final String PROCESSOR = "event-history-processor";

    private HistoryTopology() {
    }

    /** Adds the history processor and its stores below {@code parent}, a node that emits deduplicated events. */
    public static void addTo(Topology topology, TopologyConfig config, AvroSerdes serdes, String parent) {
        Serializer<EmnifyEvent> events = serdes.forValue(EmnifyEvent.class).serializer();
        String subjectTopic = config.topics().raw();
        topology.addProcessor(PROCESSOR, () -> new EventHistoryProcessor(config.history(), events, subjectTopic), parent);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EventHistoryProcessor.HISTORY_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EventHistoryProcessor.EXPIRY_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);
    }
}
