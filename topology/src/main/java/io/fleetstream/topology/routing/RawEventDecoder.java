package io.fleetstream.topology.routing;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import org.apache.kafka.common.serialization.Deserializer;

/** Decodes raw-topic records into events, dead-lettering poison pills ({@link RawRecordDecoder}). */
public final class RawEventDecoder extends RawRecordDecoder<EmnifyEvent> {

    public static final String STAGE = "topology.raw";

    public RawEventDecoder(Deserializer<EmnifyEvent> deserializer, String eventsChild, DeadLetterStage deadLetters) {
        super(deserializer, eventsChild, deadLetters, "raw event", "the raw topic");
    }

    @Override
    protected Object received(EmnifyEvent event, byte[] original) {
        return new ReceivedEvent(event, original);
    }
}
