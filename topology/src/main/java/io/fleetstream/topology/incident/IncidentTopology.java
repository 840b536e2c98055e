package io.fleetstream.topology.incident;

import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.device.DeviceTopology;
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
    public static final String DETECTOR = "incident-detector";
    public static final String INCIDENT_SINK = "fleet-incidents-sink";
    /** The queryable store of incidents, open and resolved, keyed by incident id. */
    public static final String STORE = IncidentDetector.INCIDENTS;

    private IncidentTopology() {
    }

    /** @param presence the node forwarding every presence change (the device topology's presence node) */
    public static void addTo(Topology topology, TopologyConfig config, TypedTopics topics, String presence,
                             IncidentMeters meters) {
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

        // written only by the feed, with these serdes: a record that does not decode is fleetstream's bug, not bad input,
        // and fails the task (Kafka Streams' default deserialization handler) rather than skew the counts unseen
        topology.addSource(DETECTOR_SOURCE, byNetwork.keyDeserializer(), byNetwork.valueDeserializer(), byNetwork.name());
        topology.addProcessor(DETECTOR, () -> new IncidentDetector(config.incidents(), config.history(), meters),
                DETECTOR_SOURCE);
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
    }
}
