package io.fleetstream.topology.deadletter;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Decodes the values of a topic read as bytes: the raw topics (events, usage records), and fleetstream's own topics
 * that another subtopology reads back ({@code quota.state}, {@code fleet.presence-by-network}), which any producer
 * with access could write to as well. A record that cannot be decoded (a poison pill: wrong wire format, unknown schema
 * id, a schema the record cannot be read from, corrupt Avro, and a tombstone where the topic has none) becomes a dead
 * letter with its original bytes, and processing goes on: read with the Avro deserializer in the source, it would fail
 * the task through Kafka Streams' default deserialization handler, and again after every restart. An unreachable
 * registry is not the record's fault: that error propagates and fails the stream thread, and the topology role pauses
 * processing until the registry answers (docs/reliability.md) instead of dead-lettering good records.
 *
 * <p>Keys are not decoded here: every topic read is keyed by a String, and a String deserializer reads any bytes (what
 * is not UTF-8 becomes U+FFFD), so the source never fails on a key.
 *
 * @param <T> the record class of the topic's values
 */
public final class RecordDecoder<T> implements Processor<String, byte[], String, Object> {

    /** What a record without a value means on the topic read. */
    public enum Tombstones {
        /** Nothing fleetstream writes: a dead letter ({@link PoisonKind#NO_VALUE}). */
        DEAD_LETTERED,
        /** A delete on a compacted topic: forwarded with its null value, for the child to forget the key. */
        FORWARDED;

        /** The kinds of dead letter a decoder with this rule writes. */
        Set<PoisonKind> kinds() {
            Set<PoisonKind> kinds = EnumSet.of(PoisonKind.NOT_AVRO, PoisonKind.UNKNOWN_SCHEMA, PoisonKind.SCHEMA_MISMATCH);
            if (this == DEAD_LETTERED) {
                kinds.add(PoisonKind.NO_VALUE);
            }
            return kinds;
        }
    }

    private final Deserializer<T> deserializer;
    private final BiFunction<? super T, byte[], ?> received;
    private final Tombstones tombstones;
    /** What a record is, for the reason of a dead letter: "raw event". */
    private final String what;
    private final String child;
    private final DeadLetterStage deadLetters;
    private ProcessorContext<String, Object> context;

    /**
     * @param received    the value forwarded: the decoded record, with the bytes it was decoded from where the child
     *                    writes them on as they came
     * @param deadLetters a stage from {@link DeadLetterSink#decodingStage}, with the same rule for tombstones
     */
    public RecordDecoder(Deserializer<T> deserializer, BiFunction<? super T, byte[], ?> received, Tombstones tombstones,
                         String what, String child, DeadLetterStage deadLetters) {
        this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
        this.received = Objects.requireNonNull(received, "received");
        this.tombstones = Objects.requireNonNull(tombstones, "tombstones");
        this.what = Objects.requireNonNull(what, "what");
        this.child = Objects.requireNonNull(child, "child");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
        if (record.value() == null) {
            if (tombstones == Tombstones.FORWARDED) {
                context.forward(record.withValue(null), child);
            } else {
                deadLetters.deadLetter(context, record, new byte[0], PoisonKind.NO_VALUE, "cannot decode " + what
                        + ": record has no value (fleetstream writes no tombstone to " + topic + ")", null);
            }
            return;
        }
        T decoded;
        try {
            decoded = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (SerializationException e) {
            // the record's own fault; a registry outage is not, and is left to fail the task
            deadLetters.deadLetter(context, record, record.value(), PoisonKind.ofUndecodable(e),
                    "cannot decode " + what + ": " + e.getMessage(), e);
            return;
        }
        context.forward(record.withValue(received.apply(decoded, record.value())), child);
    }
}
