package io.fleetstream.topology.device;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands every presence change the device-state processor emits to all of its children: the presence topic's sink
 * and whatever follows the presence timeline. The device-state processor forwards to one named child per kind of
 * output, so a second reader of its presence changes hangs below this node rather than below the processor.
 */
final class PresenceChanges implements Processor<String, Object, String, Object> {

    private ProcessorContext<String, Object> context;

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        context.forward(record);
    }
}
