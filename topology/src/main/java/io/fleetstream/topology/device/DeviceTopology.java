package io.fleetstream.topology.device;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonGuard;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The device-state part of the topology: processor, its stores, and the state and presence sinks. */
public final class DeviceTopology {

    public static final String PROCESSOR = "device-state-processor";
    public static final String STATE_SINK = "device-state-sink";
    public static final String PRESENCE_SINK = "device-presence-sink";
    /**
     * Every presence change passes this node on its way to {@link #PRESENCE_SINK}: another part of the topology
     * that follows the presence timeline (availability) adds its processor below it, in the same sub-topology, so
     * its stores share the device-state stores' partitions.
     */
    public static final String PRESENCE = "device-presence-changes";
    /** The stage of this part's dead letters. */
    public static final String STAGE = "topology.device-state";

    private DeviceTopology() {
    }

    /**
     * Adds the device-state nodes below {@code parent}, a node forwarding deduplicated events; {@link #PROCESSOR} must
     * be a parent of the dead-letter sink.
     *
     * @param progressChild a node that {@link #PROCESSOR} must be a parent of, told how far in event time the
     *                      presence changes have gone ({@link PresenceProgress}); null for none
     */
    public static void addTo(Topology topology, TopologyConfig config, TypedTopics topics, String parent,
                             DeadLetterSink deadLetters, DeviceMeters meters, String progressChild) {
        DeadLetterStage stage = deadLetters.processingStage(STAGE);
        TypedTopic<String, DeviceState> deviceStates = topics.deviceState();
        TypedTopic<String, PresenceChange> presenceChanges = topics.devicePresence();
        // buffered events are stored in the bytes they came in, and decoded by the id those carry
        TypedTopic<String, EmnifyEvent> raw = topics.raw();
        topology.addProcessor(PROCESSOR, () -> new PoisonGuard<>(stage, new DeviceStateProcessor(config.deviceTimers(),
                raw.valueDeserializer(), raw.name(), STATE_SINK, PRESENCE, progressChild, stage, meters)), parent);
        topology.addProcessor(PRESENCE, PresenceChanges::new, PROCESSOR);
        // the state store is the table of the state topic: same keys, same values
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.STATE_STORE), deviceStates.keySerde(),
                deviceStates.valueSerde()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.TIMER_STORE), Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.REORDER_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);
        // written on almost every event, read only at start: the cache sends one changelog record per commit
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.CLOCK_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled(), PROCESSOR);
        topology.addSink(STATE_SINK, deviceStates.name(), deviceStates.keySerializer(), deviceStates.valueSerializer(),
                PROCESSOR);
        topology.addSink(PRESENCE_SINK, presenceChanges.name(), presenceChanges.keySerializer(),
                presenceChanges.valueSerializer(), PRESENCE);
    }
}
