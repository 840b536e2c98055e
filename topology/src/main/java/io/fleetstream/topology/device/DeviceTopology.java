package io.fleetstream.topology.device;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The device-state part of the topology: processor, its stores, and the state and presence sinks. */
public final class DeviceTopology {

    public static final String PROCESSOR = "device-state-processor";
    public static final String STATE_SINK = "device-state-sink";
    public static final String PRESENCE_SINK = "device-presence-sink";

    private DeviceTopology() {
    }

    /** Adds the device-state nodes below {@code parent}, a node forwarding deduplicated events. */
    public static void addTo(Topology topology, TopologyConfig config, AvroSerdes serdes, String parent) {
        Serde<DeviceState> deviceStates = serdes.forValue(DeviceState.class);
        Serde<PresenceChange> presenceChanges = serdes.forValue(PresenceChange.class);
        Serde<EmnifyEvent> events = serdes.forValue(EmnifyEvent.class);
        String subjectTopic = config.topics().raw();
        topology.addProcessor(PROCESSOR, () -> new DeviceStateProcessor(config.deviceTimers(), events.serializer(),
                events.deserializer(), subjectTopic, STATE_SINK, PRESENCE_SINK), parent);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.STATE_STORE), Serdes.String(), deviceStates), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.TIMER_STORE), Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.REORDER_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);
        // written on almost every event, read only at start: the cache sends one changelog record per commit
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.CLOCK_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled(), PROCESSOR);
        topology.addSink(STATE_SINK, config.topics().deviceState(), Serdes.String().serializer(),
                deviceStates.serializer(), PROCESSOR);
        topology.addSink(PRESENCE_SINK, config.topics().devicePresence(), Serdes.String().serializer(),
                presenceChanges.serializer(), PROCESSOR);
    }
}
