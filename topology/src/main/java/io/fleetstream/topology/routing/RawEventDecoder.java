package io.fleetstream.topology.routing;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonKind;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes raw-topic records. One that cannot be decoded (a poison pill: no value, wrong wire format, unknown
 * schema id, a schema an event cannot be read from, corrupt Avro) becomes a dead letter with its original bytes, and
 * processing goes on: one bad record must not stop the pipeline, nor be skipped without a trace. An unreachable
 * registry is not the record's fault: that error propagates and fails the stream thread, and the topology role
 * pauses processing until the registry answers (docs/reliability.md) instead of dead-lettering good records.
 */
public final class RawEventDecoder implements Processor<String, byte[], String, Object> {

    public static final String STAGE = "topology.raw";

    private final Deserializer<EmnifyEvent> deserializer;
    private final String eventsChild;
    private final DeadLetterStage deadLetters;
    private ProcessorContext<String, Object> context;

    public RawEventDecoder(Deserializer<EmnifyEvent> deserializer, String eventsChild, DeadLetterStage deadLetters) {
        this.deserializer = deserializer;
        this.eventsChild = eventsChild;
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
                    "cannot decode raw event: record has no value (a tombstone has no place on the raw topic)", null);
            return;
        }
        EmnifyEvent event;
        try {
            event = deserializer.deserialize(context.recordMetadata().map(RecordMetadata::topic).orElse(null),
                    record.headers(), record.value());
        } catch (SerializationException e) {
            // the record's own fault; a registry outage is not, and is left to fail the task
            deadLetters.deadLetter(context, record, record.value(), PoisonKind.ofUndecodable(e),
                    "cannot decode raw event: " + e.getMessage(), e);
            return;
        }
        context.forward(record.withValue((Object) new ReceivedEvent(event, record.value())), eventsChild);
    }
}
