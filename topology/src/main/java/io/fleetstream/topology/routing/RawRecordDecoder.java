package io.fleetstream.topology.routing;

import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonKind;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes the records of a raw topic (events, usage records). One that cannot be decoded (a poison pill: no value,
 * wrong wire format, unknown schema id, a schema the record cannot be read from, corrupt Avro) becomes a dead letter
 * with its original bytes, and processing goes on: one bad record must not stop the pipeline, nor be skipped without
 * a trace. An unreachable registry is not the record's fault: that error propagates and fails the stream thread, and
 * the topology role pauses processing until the registry answers (docs/reliability.md) instead of dead-lettering good
 * records. The decoded value goes to {@code child} with its original bytes ({@link #received}).
 */
public abstract class RawRecordDecoder<T> implements Processor<String, byte[], String, Object> {

    private final Deserializer<T> deserializer;
    private final String child;
    private final DeadLetterStage deadLetters;
    /** What a record is, for the reason of a dead letter: "raw event". */
    private final String what;
    /** The topic, for a tombstone's reason: "the raw topic". */
    private final String topic;
    private ProcessorContext<String, Object> context;

    protected RawRecordDecoder(Deserializer<T> deserializer, String child, DeadLetterStage deadLetters, String what,
                               String topic) {
        this.deserializer = deserializer;
        this.child = child;
        this.deadLetters = deadLetters;
        this.what = what;
        this.topic = topic;
    }

    /** The value forwarded: the decoded record with the bytes it was decoded from. */
    protected abstract Object received(T decoded, byte[] original);

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            deadLetters.deadLetter(context, record, new byte[0], PoisonKind.NO_VALUE,
                    "cannot decode " + what + ": record has no value (a tombstone has no place on " + topic + ")", null);
            return;
        }
        T decoded;
        try {
            decoded = deserializer.deserialize(context.recordMetadata().map(RecordMetadata::topic).orElse(null),
                    record.headers(), record.value());
        } catch (SerializationException e) {
            // the record's own fault; a registry outage is not, and is left to fail the task
            deadLetters.deadLetter(context, record, record.value(), PoisonKind.ofUndecodable(e),
                    "cannot decode " + what + ": " + e.getMessage(), e);
            return;
        }
        context.forward(record.withValue(received(decoded, record.value())), child);
    }
}
