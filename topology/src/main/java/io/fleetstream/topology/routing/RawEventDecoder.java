package io.fleetstream.topology.routing;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.deadletter.DeadLetters;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;

/**
 * Decodes raw-topic records. One that cannot be decoded (a poison pill: wrong wire format, unknown
 * schema id, corrupt Avro) becomes a dead letter with its original bytes, and processing goes on:
 * one bad record must not stop the pipeline, nor be skipped without a trace. An unreachable
 * registry is not the record's fault: that error propagates and fails the stream thread, and the
 * topology role pauses processing until the registry answers (docs/reliability.md) instead of
 * dead-lettering good records.
 */
public final class RawEventDecoder implements Processor<String, byte[], String, Object> {

    public static final String STAGE = "topology.raw";
    private static final Logger log = LoggerFactory.getLogger(RawEventDecoder.class);

    private final Deserializer<EmnifyEvent> deserializer;
    private final String eventsChild;
    private final String deadLettersChild;
    private ProcessorContext<String, Object> context;

    public RawEventDecoder(Deserializer<EmnifyEvent> deserializer, String eventsChild, String deadLettersChild) {
        this.deserializer = deserializer;
        this.eventsChild = eventsChild;
        this.deadLettersChild = deadLettersChild;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        String topic = meta.map(RecordMetadata::topic).orElse(null);
        EmnifyEvent event;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("record has no value (a tombstone has no place on the raw topic)");
            }
            event = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (SerializationException | IllegalArgumentException e) {
            // the record's own fault; a registry outage is not, and is left to fail the task
            DeadLetter deadLetter = DeadLetters.undecodable(STAGE, "cannot decode raw event: " + e.getMessage(),
                    record.value() == null ? new byte[0] : record.value(),
                    Instant.ofEpochMilli(context.currentSystemTimeMs()), topic,
                    meta.map(RecordMetadata::partition).orElse(null), meta.map(RecordMetadata::offset).orElse(null),
                    record.key());
            log.warn("dead-lettered raw record {}-{}@{}: {}", topic, deadLetter.getPartition(), deadLetter.getOffset(),
                    deadLetter.getReason());
            context.forward(new Record<String, Object>(null, deadLetter, record.timestamp()), deadLettersChild);
            return;
        }
        context.forward(record.withValue((Object) new ReceivedEvent(event, record.value())), eventsChild);
    }
}
