package io.fleetstream.topology.usage;

import io.fleetstream.avro.TrafficType;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonKind;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands each deduplicated usage record to the sink of its traffic type (5 Data, 6 SMS). A record of any other traffic
 * type has no topic: it is dead-lettered with its bytes and a reason naming its type, never dropped, so a new emnify
 * traffic type shows up in the dead letters and the dead-letter counter.
 */
public final class UsageRouting implements Processor<String, ReceivedUsage, String, Object> {

    private final String dataSink;
    private final String smsSink;
    private final DeadLetterStage deadLetters;
    private final UsageMeters meters;
    private ProcessorContext<String, Object> context;

    public UsageRouting(String dataSink, String smsSink, DeadLetterStage deadLetters, UsageMeters meters) {
        this.dataSink = dataSink;
        this.smsSink = smsSink;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ReceivedUsage> record) {
        TrafficType type = record.value().usage().getTrafficType();
        UsageTraffic traffic = UsageTraffic.of(type.getId());
        if (traffic == null) {
            deadLetters.deadLetter(context, record, record.value().wireFormat(), PoisonKind.UNKNOWN_TRAFFIC_TYPE,
                    "usage record " + record.value().usage().getId() + " has traffic_type " + type.getId()
                            + (type.getDescription() == null ? "" : " (" + type.getDescription() + ")")
                            + ", which fleetstream does not route: only 5 (Data) and 6 (SMS) have a usage topic", null);
            return;
        }
        context.forward(record.withValue((Object) record.value()), traffic == UsageTraffic.DATA ? dataSink : smsSink);
        meters.routed(traffic);
    }
}
