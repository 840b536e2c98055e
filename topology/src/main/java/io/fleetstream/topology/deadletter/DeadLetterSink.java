package io.fleetstream.topology.deadletter;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.schemas.TypedTopic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.Topology;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The topology's dead-letter sink node and the counter of what goes through it. Every stage that dead-letters records
 * gets its {@link DeadLetterStage} here; the sink node must then have that stage's node among its parents.
 *
 * <p>The counter is a Micrometer meter, not a Kafka Streams sensor: a sensor is registered per thread and task, and
 * its tags change with them, where the counter is one series per stage and reason for the whole instance, however
 * many stream threads share it (Micrometer counters are thread-safe).
 */
public final class DeadLetterSink {

    /** In Prometheus: {@code fleetstream_topology_dead_letters_total{stage, reason}}. */
    public static final String DEAD_LETTERS = "fleetstream.topology.dead.letters";
    public static final String STAGE_TAG = "stage";
    public static final String REASON_TAG = "reason";

    private final String node;
    private final MeterRegistry meters;

    public DeadLetterSink(String node, MeterRegistry meters) {
        this.node = Objects.requireNonNull(node, "node");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    public String node() {
        return node;
    }

    /**
     * Adds the sink node, writing to {@code topic}, below the nodes of the stages that dead-letter through it. Nodes
     * sharing a sink share a subtopology (a task), so each subtopology has a sink of its own, all writing one topic.
     */
    public void addTo(Topology topology, TypedTopic<String, DeadLetter> topic, String... parents) {
        topology.addSink(node, topic.name(), topic.keySerializer(), topic.valueSerializer(), parents);
    }

    /** A stage whose records decoded: what it dead-letters is what it threw on. */
    public DeadLetterStage processingStage(String stage) {
        return stage(stage, EnumSet.of(PoisonKind.PROCESSING_FAILED));
    }

    /** A stage decoding the values of a topic read as bytes ({@link RecordDecoder}), tombstones as {@code tombstones}. */
    public DeadLetterStage decodingStage(String stage, RecordDecoder.Tombstones tombstones) {
        return stage(stage, tombstones.kinds());
    }

    /**
     * A stage and the kinds of dead letter it writes: their counters exist from the start at 0, so a rate or an
     * increase over them is defined before the first poison record arrives.
     */
    public DeadLetterStage stage(String stage, Set<PoisonKind> kinds) {
        kinds.forEach(kind -> counter(stage, kind));
        return new DeadLetterStage(stage, this);
    }

    Counter counter(String stage, PoisonKind kind) {
        // registering again returns the registered counter: one series per stage and kind
        return Counter.builder(DEAD_LETTERS)
                .description("records the topology wrote to the dead-letter topic instead of processing them, by "
                        + "stage and reason")
                .tag(STAGE_TAG, stage)
                .tag(REASON_TAG, kind.tag())
                .register(meters);
    }
}
