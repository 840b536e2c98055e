package io.fleetstream.topology.incident;

import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.RecordDecoder;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.device.DeviceTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The carrier-incident part of the topology, in two sub-topologies joined by fleetstream's own topic
 * fleet.presence-by-network: below the presence node (device state's sub-topology), {@link IncidentFeed} re-keys
 * every presence change to the device's operator and country; {@link IncidentDetector} reads that topic, so one task
 * sees all of a group's devices, and writes incidents to fleet.incidents and its queryable store
 * {@value #STORE}. The Processor API declares no repartition topic, so the topic is in {@code Topics.all()} and
 * created at start-up with the others.
 */
public final class IncidentTopology {

    public static final String FEED = "incident-feed";
    public static final String FEED_SINK = "presence-by-network-sink";
    public static final String DETECTOR_SOURCE = "presence-by-network-source";
    public static final String DETECTOR_DECODE = "decode-presence-by-network";
    public static final String DETECTOR = "incident-detector";
    public static final String INCIDENT_SINK = "fleet-incidents-sink";
    /** The detector's subtopology's own: sharing the events' sink would merge the two subtopologies into one task. */
    public static final String DEAD_LETTER_SINK = "incident-dead-letters-sink";
    /** The stage of dead letters of presence-by-network records that do not decode. */
    public static final String DECODING_STAGE = "topology.presence-by-network";
    /** The queryable store of incidents, open and resolved, keyed by incident id. */
    public static final String STORE = IncidentDetector.INCIDENTS;
    /** The detector's buffer of presence changes waiting for the watermark (Avro values: a changelog subject). */
    public static final String REORDER_STORE = IncidentDetector.REORDER;

    private IncidentTopology() {
    }

    /**
     * @param presence the node forwarding every presence change (the device topology's presence node)
     * @param registry where the dead letters of the detector's source are counted
     */
    public static void addTo(Topology topology, TopologyConfig config, TypedTopics topics, String presence,
                             IncidentMeters meters, MeterRegistry registry) {
        TypedTopic<String, NetworkPresence> byNetwork = topics.fleetPresenceByNetwork();
        TypedTopic<String, FleetIncident> incidents = topics.fleetIncidents();

        // presence changes from below the presence node, the device-state task's clock from the processor itself
        topology.addProcessor(FEED, IncidentFeed::new, presence, DeviceTopology.PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentFeed.STORE),
                Serdes.String(), Serdes.String()), FEED);
        // the location of the device whose presence changed: read, never written, by the feed
        topology.connectProcessorAndStateStores(FEED, DeviceStateProcessor.STATE_STORE);
        topology.addSink(FEED_SINK, byNetwork.name(), byNetwork.keySerializer(), byNetwork.valueSerializer(),
                new ClockBroadcast(), FEED);

        // written by the feed, but any producer allowed to write the topic can: read as bytes and decoded by a node of
        // its own, so a record that does not decode, or a tombstone (the feed writes none), is a dead letter, not a task
        // failing on it after every restart; the detector goes by the value's group, never the key
        DeadLetterSink deadLetters = new DeadLetterSink(DEAD_LETTER_SINK, registry);
        DeadLetterStage decoding = deadLetters.decodingStage(DECODING_STAGE, RecordDecoder.Tombstones.DEAD_LETTERED);
        topology.addSource(DETECTOR_SOURCE, byNetwork.keyDeserializer(), Serdes.ByteArray().deserializer(),
                byNetwork.name());
        topology.addProcessor(DETECTOR_DECODE, () -> new RecordDecoder<>(byNetwork.valueDeserializer(),
                (change, bytes) -> change, RecordDecoder.Tombstones.DEAD_LETTERED, "network presence", DETECTOR,
                decoding), DETECTOR_SOURCE);
        topology.addProcessor(DETECTOR, () -> new IncidentDetector(config.incidents(), config.history(), meters),
                DETECTOR_DECODE);
        // an open incident is written again on every device joining or coming back, and lists every affected device:
        // cached, so its changelog gets it once per commit, not once per device of a large outage
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentDetector.INCIDENTS),
                Serdes.String(), incidents.valueSerde()).withCachingEnabled(), DETECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentDetector.MEMBERS),
                Serdes.String(), Serdes.Long()), DETECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentDetector.ONLINE),
                Serdes.String(), Serdes.Long()), DETECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentDetector.RECENT),
                Serdes.String(), Serdes.Long()), DETECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentDetector.OPEN),
                Serdes.String(), Serdes.String()), DETECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentDetector.REORDER),
                Serdes.String(), byNetwork.valueSerde()), DETECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentDetector.CLOCKS),
                Serdes.String(), Serdes.Long()), DETECTOR);
        topology.addSink(INCIDENT_SINK, incidents.name(), incidents.keySerializer(), incidents.valueSerializer(),
                DETECTOR);
        deadLetters.addTo(topology, topics.deadLetters(), DETECTOR_DECODE);
    }
}
