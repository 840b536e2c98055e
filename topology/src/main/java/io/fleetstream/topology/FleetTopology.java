package io.fleetstream.topology;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.availability.AvailabilityTopology;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonGuard;
import io.fleetstream.topology.deadletter.PoisonKind;
import io.fleetstream.topology.deadletter.RecordDecoder;
import io.fleetstream.topology.device.DeviceMeters;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.device.DeviceTopology;
import io.fleetstream.topology.history.HistoryTopology;
import io.fleetstream.topology.incident.IncidentMeters;
import io.fleetstream.topology.incident.IncidentTopology;
import io.fleetstream.topology.quota.QuotaForecastTopology;
import io.fleetstream.topology.quota.QuotaManagementProcessor;
import io.fleetstream.topology.quota.QuotaMeters;
import io.fleetstream.topology.quota.QuotaStateProcessor;
import io.fleetstream.topology.quota.QuotaTopology;
import io.fleetstream.topology.routing.CategoryRouter;
import io.fleetstream.topology.routing.CategoryRouting;
import io.fleetstream.topology.routing.EventDeduplicator;
import io.fleetstream.topology.routing.RoutingMeters;
import io.fleetstream.topology.routing.ReceivedEvent;
import io.fleetstream.topology.usage.UsageTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * The fleetstream topology: raw events → decode (poison pills to the dead-letter topic) → dedupe by
 * event id → one topic per category, and → device state and presence, quota state, and the
 * per-device and per-organisation event history; and raw usage records → decode → dedupe by id → the usage topic of
 * their traffic type ({@link UsageTopology}). Pure: it builds a {@link Topology} and does no I/O; the caller
 * wires configuration, HTTP and lifecycle.
 *
 * <p>Every stage after dedupe is a {@link PoisonGuard}: an event a stage throws on is dead-lettered by that stage
 * with its raw bytes, and the stream goes on. Every dead letter is counted in the meter
 * {@value DeadLetterSink#DEAD_LETTERS} by stage and {@link PoisonKind reason}.
 *
 * <p>The topology's own meters, all registered when it is built: dead letters ({@link DeadLetterSink}), events routed
 * by category and duplicates dropped ({@link RoutingMeters}), late events and devices by status, online and with a
 * pending offline ({@link DeviceMeters}), endpoints by quota status ({@link QuotaMeters}). The gauges count the stores
 * of the active tasks of the Kafka Streams client running this topology, so build one topology per registry.
 */
public final class FleetTopology {

    /** Node names; stores and their changelogs are named after the store constants of each processor. */
    public static final String RAW_SOURCE = "raw-events-source";
    public static final String DECODE = "decode-raw-events";
    public static final String DEDUPE = "dedupe-events";
    public static final String ROUTE = "route-events";
    public static final String CATEGORY_SINK = "category-topics-sink";
    public static final String DEAD_LETTER_SINK = "dead-letters-sink";
    /** The stage of dead letters of the decoding node: raw records that are no event. */
    public static final String DECODING_STAGE = "topology.raw";
    /** The stage of dead letters of the routing node: an event the category sink threw on. */
    public static final String ROUTING_STAGE = "topology.routing";

    /** A topic the topology serializes values into, and the record class it writes there. */
    public record WrittenValue(String topic, Class<? extends SpecificRecord> type) {
    }

    private FleetTopology() {
    }

    /**
     * Every topic whose value schema the topology needs from the registry to write: its sinks; the raw topic, whose
     * subject the history store's values are registered under; and the changelogs of the stores that keep Avro values
     * (device state, quota state, quota management, incidents, the incident detector's reorder buffer), which Kafka Streams writes through the store's serdes under the
     * name {@code <application id>-<store>-changelog}. Resolving these before Kafka Streams starts leaves no registry
     * call on the write path.
     */
    public static List<WrittenValue> writtenValues(TypedTopics topics, String applicationId) {
        List<WrittenValue> written = new ArrayList<>();
        topics.all().forEach(t -> written.add(new WrittenValue(t.name(), t.valueType())));
        written.add(new WrittenValue(changelog(applicationId, DeviceStateProcessor.STATE_STORE),
                topics.deviceState().valueType()));
        written.add(new WrittenValue(changelog(applicationId, QuotaStateProcessor.STATE_STORE),
                topics.quotaState().valueType()));
        written.add(new WrittenValue(changelog(applicationId, QuotaManagementProcessor.MANAGEMENT_STORE),
                topics.quotaManagement().valueType()));
        written.add(new WrittenValue(changelog(applicationId, IncidentTopology.STORE),
                topics.fleetIncidents().valueType()));
        written.add(new WrittenValue(changelog(applicationId, IncidentTopology.REORDER_STORE),
                topics.fleetPresenceByNetwork().valueType()));
        return List.copyOf(written);
    }

    /** The changelog topic Kafka Streams names for a store of the application (its own rule, not public API). */
    static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    /** @param meters where the topology's own meters are registered (one topology per registry); the caller serves them */
    public static Topology build(TopologyConfig config, AvroSerdes serdes, MeterRegistry meters) {
        TypedTopics topics = new TypedTopics(config.topics(), serdes);
        TypedTopic<String, EmnifyEvent> raw = topics.raw();
        TypedTopic<String, DeadLetter> deadLetters = topics.deadLetters();
        // the category sink picks its topic per record; every category topic has the same serdes, and the events are
        // written as they were read (ReceivedEvent), not encoded again
        TypedTopic<String, EmnifyEvent> categories = topics.category(EventCategory.OTHER);
        DeadLetterSink deadLetterSink = new DeadLetterSink(DEAD_LETTER_SINK, meters);
        RoutingMeters routingMeters = new RoutingMeters(EventCatalog.standard(), meters);
        Topology topology = new Topology();

        // values are read as bytes and decoded by the next node, so a record that does not decode becomes a dead letter;
        // the key is a String, and a String deserializer reads any bytes (what is not UTF-8 becomes U+FFFD), so the
        // default deserialization exception handler (log and fail) never sees a raw record
        topology.addSource(RAW_SOURCE, raw.keyDeserializer(), Serdes.ByteArray().deserializer(), raw.name());
        DeadLetterStage decoding = deadLetterSink.decodingStage(DECODING_STAGE, RecordDecoder.Tombstones.DEAD_LETTERED);
        topology.addProcessor(DECODE, () -> new RecordDecoder<>(raw.valueDeserializer(), ReceivedEvent::new,
                RecordDecoder.Tombstones.DEAD_LETTERED, "raw event", DEDUPE, decoding), RAW_SOURCE);

        // not guarded: it throws on nothing an event carries (a primitive id), only on a store Kafka Streams cannot
        // write, which must fail the task; and it hands every event on to all its children, the dead letters' sink not
        // among them
        topology.addProcessor(DEDUPE, () -> new EventDeduplicator(config.dedupeRetention(), routingMeters), DECODE);
        topology.addStateStore(EventDeduplicator.seenStore(config.dedupeRetention()), DEDUPE);

        DeadLetterStage routing = deadLetterSink.processingStage(ROUTING_STAGE);
        topology.addProcessor(ROUTE, () -> new PoisonGuard<>(routing, new CategoryRouting(CATEGORY_SINK, routingMeters)), DEDUPE);
        topology.addSink(CATEGORY_SINK, new CategoryRouter(EventCatalog.standard(), config.topics()),
                categories.keySerializer(), ReceivedEvent.serializer(serdes.valueSerializer(EmnifyEvent.class)), ROUTE);

        DeviceTopology.addTo(topology, config, topics, DEDUPE, deadLetterSink, new DeviceMeters(meters),
                IncidentTopology.FEED);
        AvailabilityTopology.addTo(topology, config, DeviceTopology.PRESENCE);
        IncidentTopology.addTo(topology, config, topics, DeviceTopology.PRESENCE, new IncidentMeters(meters), meters);
        QuotaTopology.addTo(topology, topics, DEDUPE, deadLetterSink, new QuotaMeters(meters));
        HistoryTopology.addTo(topology, config, DEDUPE, deadLetterSink);
        UsageTopology.addTo(topology, config, topics, serdes, meters);
        QuotaForecastTopology.addTo(topology, config.forecasting(), topics, UsageTopology.DEDUPE, meters);

        topology.addSink(DEAD_LETTER_SINK, deadLetters.name(), deadLetters.keySerializer(), deadLetters.valueSerializer(),
                DECODE, ROUTE, DeviceTopology.PROCESSOR, QuotaTopology.STATE_PROCESSOR, QuotaTopology.MANAGEMENT_PROCESSOR,
                HistoryTopology.PROCESSOR);
        return topology;
    }
}
