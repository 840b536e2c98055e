package io.fleetstream.topology;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.device.DeviceTopology;
import io.fleetstream.topology.history.HistoryTopology;
import io.fleetstream.topology.quota.QuotaTopology;
import io.fleetstream.topology.routing.CategoryRouter;
import io.fleetstream.topology.routing.EventDeduplicator;
import io.fleetstream.topology.routing.RawEventDecoder;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.util.List;

/**
 * The fleetstream topology: raw events → decode (poison pills to the dead-letter topic) → dedupe by
 * event id → one topic per category, and → device state and presence, quota state, and the
 * per-device and per-organisation event history. Pure: it builds a {@link Topology} and does no I/O; the caller
 * wires configuration, HTTP and lifecycle.
 */
public final class FleetTopology {

    /** Node names; stores and their changelogs are named after the store constants of each processor. */
    public static final String RAW_SOURCE = "raw-events-source";
    public static final String DECODE = "decode-raw-events";
    public static final String DEDUPE = "dedupe-events";
    public static final String CATEGORY_SINK = "category-topics-sink";
    public static final String DEAD_LETTER_SINK = "dead-letters-sink";

    /** A topic the topology serializes values into, and the record class it writes there. */
    public record WrittenValue(String topic, Class<? extends SpecificRecord> type) {
    }

    private FleetTopology() {
    }

    /**
     * Every topic whose value schema the topology needs from the registry to write: its sinks, and the raw topic,
     * whose subject the history store's values are registered under. Resolving these before Kafka Streams starts
     * leaves no registry call on the record path.
     */
    public static List<WrittenValue> writtenValues(TypedTopics topics) {
        return topics.all().stream().map(t -> new WrittenValue(t.name(), t.valueType())).toList();
    }

    public static Topology build(TopologyConfig config, AvroSerdes serdes) {
        TypedTopics topics = new TypedTopics(config.topics(), serdes);
        TypedTopic<String, EmnifyEvent> raw = topics.raw();
        TypedTopic<String, DeadLetter> deadLetters = topics.deadLetters();
        // the category sink picks its topic per record; every category topic has the same serdes, and the events are
        // written as they were read (ReceivedEvent), not encoded again
        TypedTopic<String, EmnifyEvent> categories = topics.category(EventCategory.OTHER);
        Topology topology = new Topology();

        // values are read as bytes and decoded by the next node, so a record that does not decode becomes a dead letter
        topology.addSource(RAW_SOURCE, raw.keyDeserializer(), Serdes.ByteArray().deserializer(), raw.name());
        topology.addProcessor(DECODE, () -> new RawEventDecoder(raw.valueDeserializer(), DEDUPE, DEAD_LETTER_SINK),
                RAW_SOURCE);
        topology.addSink(DEAD_LETTER_SINK, deadLetters.name(), deadLetters.keySerializer(),
                deadLetters.valueSerializer(), DECODE);

        topology.addProcessor(DEDUPE, () -> new EventDeduplicator(config.dedupeRetention()), DECODE);
        topology.addStateStore(EventDeduplicator.seenStore(config.dedupeRetention()), DEDUPE);

        topology.addSink(CATEGORY_SINK, new CategoryRouter(EventCatalog.standard(), config.topics()),
                categories.keySerializer(), ReceivedEvent.serializer(serdes.valueSerializer(EmnifyEvent.class)), DEDUPE);

        DeviceTopology.addTo(topology, config, topics, DEDUPE);
        QuotaTopology.addTo(topology, topics, DEDUPE);
        HistoryTopology.addTo(topology, config, DEDUPE);
        return topology;
    }
}
