package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageRecord;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonKind;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes raw usage topic records, with the raw event decoder's rules: a record that cannot be decoded becomes a dead
 * letter with its original bytes and processing goes on; an unreachable registry fails the task instead.
 */
public final class UsageDecoder implements Processor<String, byte[], String, Object> {

    public static final String STAGE = "topology.usage-raw";

    private final Deserializer<UsageRecord> deserializer;
    private final String child;
    private final DeadLetterStage deadLetters;
    private ProcessorContext<String, Object> context;

    public UsageDecoder(Deserializer<UsageRecord> deserializer, String child, DeadLetterStage deadLetters) {
        this.deserializer = deserializer;
        this.child = child;
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            deadLetters.deadLetter(context, record, new byte[0], PoisonKind.NO_VALUE,
                    "cannot decode usage record: record has no value (a tombstone has no place on the raw usage topic)", null);
            return;
        }
        UsageRecord usage;
        try {
            usage = deserializer.deserialize(context.recordMetadata().map(RecordMetadata::topic).orElse(null),
                    record.headers(), record.value());
        } catch (SerializationException e) {
            deadLetters.deadLetter(context, record, record.value(), PoisonKind.ofUndecodable(e),
                    "cannot decode usage record: " + e.getMessage(), e);
            return;
        }
        context.forward(record.withValue((Object) new ReceivedUsage(usage, record.value())), child);
    }
}
