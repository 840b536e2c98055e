package io.fleetstream.topology.deadletter;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.deadletter.DeadLetters;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stage of the topology writing a record it cannot process to the dead-letter topic: with the stage, the reason,
 * the record's original bytes (as the topic it was read from holds them) and where it was read, forwarded to the dead-letter sink (so under
 * exactly-once it is written in the same transaction as the input's offset), counted and logged once. Shared by every
 * task and thread of the instance; holds nothing that changes.
 */
public final class DeadLetterStage {

    /** Enough of a reason to find the bug; a message with a whole record or stack in it is cut here. */
    static final int MAX_REASON_CHARS = 2_000;
    private static final int MAX_CAUSES = 3;
    private static final Logger log = LoggerFactory.getLogger(DeadLetterStage.class);

    private final String stage;
    private final DeadLetterSink sink;

    DeadLetterStage(String stage, DeadLetterSink sink) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.sink = sink;
    }

    /** The stage's name, as dead letters and the counter's {@code stage} tag carry it. */
    public String name() {
        return stage;
    }

    /**
     * Dead-letters the record being processed, read where the context says it was.
     *
     * @param original the bytes the record had on the topic it was read from
     */
    public void deadLetter(ProcessorContext<?, ?> context, Record<String, ?> record, byte[] original, PoisonKind kind,
                           String reason, Throwable failure) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        send(context, DeadLetters.unprocessable(stage, reason, original,
                Instant.ofEpochMilli(context.currentSystemTimeMs()), meta.map(RecordMetadata::topic).orElse(null),
                meta.map(RecordMetadata::partition).orElse(null), meta.map(RecordMetadata::offset).orElse(null),
                record.key()), kind, record.timestamp(), failure);
    }

    /**
     * Dead-letters an event a processor held back in a store and failed on when it applied it later, while another
     * record or a punctuation was being processed: the context's record is not this one, so only the task's partition
     * is known, not the offset.
     *
     * @param original  the bytes the event had on the raw topic
     * @param timestamp the timestamp of the record or punctuation that released it
     */
    public void deadLetterHeld(ProcessorContext<?, ?> context, String topic, String key, byte[] original,
                               PoisonKind kind, String reason, Throwable failure, long timestamp) {
        send(context, DeadLetters.unprocessable(stage, reason, original,
                Instant.ofEpochMilli(context.currentSystemTimeMs()), topic, context.taskId().partition(), null, key),
                kind, timestamp, failure);
    }

    /** The reason of a dead letter for a stage that threw: the exception's class and message, and those of its causes. */
    public String processingFailed(Throwable failure) {
        return "processing failed in " + stage + ": " + describe(failure);
    }

    /**
     * Whether a failure is the record's own fault, so dead-lettering it and going on is right. Kafka Streams' and the
     * clients' own failures (a task migrated or corrupted, a store that cannot be written, a send that failed, a
     * fenced producer) and a schema registry that cannot be asked are not: dead-lettering on them would drop good
     * records, so they fail the task as before. A {@link SerializationException} is the record's, unless the registry
     * is behind it.
     */
    public static boolean isTheRecordsFault(RuntimeException failure) {
        if (failure instanceof KafkaException && !(failure instanceof SerializationException)) {
            return false;
        }
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException
                    || (cause instanceof KafkaException && !(cause instanceof SerializationException))) {
                return false;
            }
        }
        return true;
    }

    /** Class and message of a failure and of a few of its causes; the stack trace goes to the log only. */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        Throwable cause = failure.getCause();
        for (int i = 0; i < MAX_CAUSES && cause != null && cause != failure; i++, cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.length() <= MAX_REASON_CHARS ? text.toString()
                : text.substring(0, MAX_REASON_CHARS) + "… (" + (text.length() - MAX_REASON_CHARS) + " more characters in the log)";
    }

    private void send(ProcessorContext<?, ?> context, DeadLetter deadLetter, PoisonKind kind, long timestamp,
                      Throwable failure) {
        // the sink is a child of every stage's node, whatever that node's own output types are
        @SuppressWarnings("unchecked")
        ProcessorContext<String, Object> any = (ProcessorContext<String, Object>) context;
        any.forward(new Record<>(null, deadLetter, timestamp), sink.node());
        sink.counter(stage, kind).increment();
        log.atWarn().addKeyValue(LogFields.TOPIC, deadLetter.getTopic()).addKeyValue(LogFields.PARTITION, deadLetter.getPartition())
                .addKeyValue(LogFields.OFFSET, deadLetter.getOffset()).addKeyValue(LogFields.RECORD_KEY, deadLetter.getKey())
                .addKeyValue(LogFields.STAGE, stage).addKeyValue(LogFields.REASON, kind.name())
                // a bug or an input the code does not expect: the stack trace is what fixes it
                .setCause(kind == PoisonKind.PROCESSING_FAILED ? failure : null)
                .log("dead-lettered record {}-{}@{} (key {}) at {}: {}", deadLetter.getTopic(), deadLetter.getPartition(),
                        deadLetter.getOffset(), deadLetter.getKey(), stage, deadLetter.getReason());
    }
}
