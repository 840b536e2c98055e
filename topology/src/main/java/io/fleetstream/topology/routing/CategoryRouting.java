package io.fleetstream.topology.routing;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands each deduplicated event to the category sink, which picks its topic ({@link CategoryRouter}) and writes it.
 * A node of its own so that routing is a stage like the others: what the sink throws on an event is dead-lettered by
 * this node's guard, and the event still reaches device state, quotas and history, which are the dedupe node's other
 * children.
 */
public final class CategoryRouting implements Processor<String, ReceivedEvent, String, ReceivedEvent> {

    private final String sink;
    private final RoutingMeters meters;
    private ProcessorContext<String, ReceivedEvent> context;

    /** @param meters counts each event once the sink has taken it (a serialization failure is dead-lettered instead) */
    public CategoryRouting(String sink, RoutingMeters meters) {
        this.sink = sink;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, ReceivedEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        context.forward(record, sink);
        meters.routed(record.value().event().getEventType().getId());
    }
}
