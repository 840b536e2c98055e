package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonKind;
import io.fleetstream.topology.deadletter.RecordDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;

import java.util.EnumSet;

/**
 * Usage records: raw usage topic → decode (poison pills to the dead-letter topic) → dedupe by usage record id (the
 * events' mechanism and retention, a store of its own) → {@code usage.data} (traffic type 5) or {@code usage.sms} (6);
 * any other traffic type to the dead-letter topic. Values are written as the bytes they were read in. The deduplicated
 * records are also added up per device and hour ({@link UsageTotalsProcessor}), per session
 * ({@link SessionUsageProcessor}) and per operator and day ({@link OperatorUsageProcessor}).
 *
 * <p>A subtopology of its own, with its own node writing to the dead-letter topic: sharing a node with the events
 * would make one task read both raw topics, and the events' processing (stream time, the reorder buffer, waiting for
 * idle partitions) would then depend on usage traffic. Its dead letters are counted in the same meter as the events'
 * ({@link DeadLetterSink#DEAD_LETTERS}).
 */
public final class UsageTopology {

    public static final String SOURCE = "usage-raw-source";
    public static final String DECODE = "decode-usage-records";
    public static final String DEDUPE = "dedupe-usage-records";
    public static final String ROUTE = "route-usage-records";
    public static final String TOTALS = "usage-totals-per-device";
    public static final String SESSIONS = "usage-per-session";
    public static final String OPERATORS = "usage-per-operator-and-day";
    public static final String DATA_SINK = "usage-data-sink";
    public static final String SMS_SINK = "usage-sms-sink";
    public static final String DEAD_LETTER_SINK = "usage-dead-letters-sink";
    /** The stage of dead letters of the decoding node: raw usage records that are no usage record. */
    public static final String DECODING_STAGE = "topology.usage-raw";
    /** The stage of dead letters of usage records of a traffic type without a topic. */
    public static final String ROUTING_STAGE = "topology.usage-routing";

    private UsageTopology() {
    }

    /** @param meters where its meters ({@link UsageMeters}) and its dead letters' counters are registered */
    public static void addTo(Topology topology, TopologyConfig config, TypedTopics topics, AvroSerdes serdes,
                             MeterRegistry meters) {
        TypedTopic<String, UsageRecord> raw = topics.usageRaw();
        DeadLetterSink deadLetters = new DeadLetterSink(DEAD_LETTER_SINK, meters);
        UsageMeters usageMeters = new UsageMeters(meters);
        // read as bytes and decoded by the next node, so what does not decode becomes a dead letter (as for events)
        topology.addSource(SOURCE, raw.keyDeserializer(), Serdes.ByteArray().deserializer(), raw.name());
        DeadLetterStage decoding = deadLetters.decodingStage(DECODING_STAGE, RecordDecoder.Tombstones.DEAD_LETTERED);
        topology.addProcessor(DECODE, () -> new RecordDecoder<>(raw.valueDeserializer(), ReceivedUsage::new,
                RecordDecoder.Tombstones.DEAD_LETTERED, "usage record", DEDUPE, decoding), SOURCE);
        topology.addProcessor(DEDUPE, () -> new UsageDeduplicator(config.dedupeRetention(), usageMeters), DECODE);
        topology.addStateStore(UsageDeduplicator.seenStore(config.dedupeRetention()), DEDUPE);
        // a second child of the dedupe node: the totals count each usage record once, like the topics
        topology.addProcessor(TOTALS, UsageTotalsProcessor::new, DEDUPE);
        topology.addStateStore(UsageTotalsProcessor.store(config.history().retention()), TOTALS);
        topology.addProcessor(SESSIONS, SessionUsageProcessor::new, DEDUPE);
        topology.addStateStore(SessionUsageProcessor.store(config.history().retention()), SESSIONS);
        topology.addProcessor(OPERATORS, OperatorUsageProcessor::new, DEDUPE);
        topology.addStateStore(OperatorUsageProcessor.store(config.history().retention()), OPERATORS);
        DeadLetterStage routing = deadLetters.stage(ROUTING_STAGE, EnumSet.of(PoisonKind.UNKNOWN_TRAFFIC_TYPE));
        topology.addProcessor(ROUTE, () -> new UsageRouting(DATA_SINK, SMS_SINK, routing, usageMeters), DEDUPE);
        Serializer<ReceivedUsage> written = ReceivedUsage.serializer(serdes.valueSerializer(UsageRecord.class));
        topology.addSink(DATA_SINK, topics.usageData().name(), raw.keySerializer(), written, ROUTE);
        topology.addSink(SMS_SINK, topics.usageSms().name(), raw.keySerializer(), written, ROUTE);
        deadLetters.addTo(topology, topics.deadLetters(), DECODE, ROUTE);
    }
}
