package io.fleetstream.topology.quota;

import io.fleetstream.avro.QuotaAlert;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.topology.QuotaForecasting;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.RecordDecoder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The quota run-out forecast: deduplicated usage records and the {@code quota.state} topic → each device's data burn
 * and forecast (store {@value QuotaForecastProcessor#STORE}, queryable) → {@code <prefix>quota.alerts}.
 *
 * <p>It joins the usage subtopology, not the events': the quota states come in through a source of their own topic
 * (the quota processor's output, keyed by endpoint id like the usage records, with the same partition count), so the
 * events' event-time machinery never waits on usage traffic and usage never waits on events. Both nodes share the
 * store, which is what puts them, and the usage nodes, in one task per partition.
 *
 * <p>The quota states are read as bytes and decoded by a node of their own ({@link RecordDecoder}): the topic is
 * fleetstream's, but any producer allowed to write it can, and a record that does not decode is a dead letter (stage
 * {@value #DECODING_STAGE}) rather than a task failing on it after every restart. A tombstone is forwarded: fleetstream
 * never writes one (a deleted quota is a state with status DELETED), but the topic is compacted, and a null value is
 * how an operator deletes a key there, so it means what DELETED means: the device's forecast is forgotten.
 */
public final class QuotaForecastTopology {

    public static final String QUOTA_SOURCE = "forecast-quota-state-source";
    public static final String QUOTA_DECODE = "forecast-decode-quota-states";
    public static final String QUOTA_PROCESSOR = "forecast-quota-states";
    public static final String USAGE_PROCESSOR = "forecast-quota-burn";
    public static final String ALERT_SINK = "quota-alerts-sink";
    /** Its own, as the usage subtopology's is added before this part exists (a sink's parents are fixed when added). */
    public static final String DEAD_LETTER_SINK = "forecast-dead-letters-sink";
    /** The stage of dead letters of quota states that do not decode. */
    public static final String DECODING_STAGE = "topology.forecast-quota-state";
    /** In Prometheus {@code fleetstream_topology_quota_alerts_total}. */
    public static final String ALERTS = "fleetstream.topology.quota.alerts";

    private QuotaForecastTopology() {
    }

    /**
     * Adds the forecast below {@code usageParent}, a node that emits deduplicated usage records.
     *
     * @param meters where the alerts written ({@value #ALERTS}) and the dead letters are counted
     */
    public static void addTo(Topology topology, QuotaForecasting settings, TypedTopics topics, String usageParent,
                             MeterRegistry meters) {
        Counter alerted = Counter.builder(ALERTS)
                .description("records written to the quota alerts topic: data quotas projected to run out within the horizon")
                .register(meters);
        TypedTopic<String, QuotaState> quotaStates = topics.quotaState();
        TypedTopic<String, QuotaAlert> alerts = topics.quotaAlerts();
        DeadLetterSink deadLetters = new DeadLetterSink(DEAD_LETTER_SINK, meters);
        DeadLetterStage decoding = deadLetters.decodingStage(DECODING_STAGE, RecordDecoder.Tombstones.FORWARDED);

        topology.addSource(QUOTA_SOURCE, quotaStates.keyDeserializer(), Serdes.ByteArray().deserializer(),
                quotaStates.name());
        topology.addProcessor(QUOTA_DECODE, () -> new RecordDecoder<>(quotaStates.valueDeserializer(),
                (state, bytes) -> state, RecordDecoder.Tombstones.FORWARDED, "quota state", QUOTA_PROCESSOR, decoding),
                QUOTA_SOURCE);
        topology.addProcessor(QUOTA_PROCESSOR, () -> new ForecastQuotaProcessor(settings), QUOTA_DECODE);
        topology.addProcessor(USAGE_PROCESSOR, () -> new QuotaForecastProcessor(settings, alerted), usageParent);
        topology.addStateStore(QuotaForecastProcessor.store(), QUOTA_PROCESSOR, USAGE_PROCESSOR);
        topology.addSink(ALERT_SINK, alerts.name(), alerts.keySerializer(), alerts.valueSerializer(), USAGE_PROCESSOR);
        deadLetters.addTo(topology, topics.deadLetters(), QUOTA_DECODE);
    }
}
