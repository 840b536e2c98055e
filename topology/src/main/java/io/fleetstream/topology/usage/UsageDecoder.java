package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageRecord;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.routing.RawRecordDecoder;
import org.apache.kafka.common.serialization.Deserializer;

/** Decodes raw usage topic records, with the raw event decoder's rules ({@link RawRecordDecoder}). */
public final class UsageDecoder extends RawRecordDecoder<UsageRecord> {

    public static final String STAGE = "topology.usage-raw";

    public UsageDecoder(Deserializer<UsageRecord> deserializer, String child, DeadLetterStage deadLetters) {
        super(deserializer, child, deadLetters, "usage record", "the raw usage topic");
    }

    @Override
    protected Object received(UsageRecord usage, byte[] original) {
        return new ReceivedUsage(usage, original);
    }
}
