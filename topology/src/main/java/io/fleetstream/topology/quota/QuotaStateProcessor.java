package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Thin adapter around {@link QuotaLedger}: reads a device's quota state from its store, applies the
 * event, writes it back and emits the state when it changed. Keyed like its input, by endpoint id,
 * so the store needs no repartition and a query for an endpoint finds its owner with the same key.
 */
public final class QuotaStateProcessor implements Processor<String, ReceivedEvent, String, QuotaState> {

    /** Endpoint id → {@link QuotaState}. */
    public static final String STATE_STORE = "quota-state";

    private final QuotaLedger ledger = new QuotaLedger();
    private final String stateChild;
    private ProcessorContext<String, QuotaState> context;
    private KeyValueStore<String, QuotaState> states;

    public QuotaStateProcessor(String stateChild) {
        this.stateChild = stateChild;
    }

    @Override
    public void init(ProcessorContext<String, QuotaState> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        EmnifyEvent event = record.value().event();
        if (record.key() == null || !QuotaLedger.isRelevant(event)) {
            return;
        }
        QuotaLedger.Outcome outcome = ledger.apply(states.get(record.key()), event);
        if (outcome.changed()) {
            states.put(record.key(), outcome.state());
            context.forward(new Record<>(record.key(), outcome.state(), record.timestamp()), stateChild);
        }
    }
}
