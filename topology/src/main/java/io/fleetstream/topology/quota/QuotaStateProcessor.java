package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.topology.taskcounts.TaskCounts;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Thin adapter around {@link QuotaLedger}: reads a device's quota state from its store, applies the
 * event, writes it back and emits the state when it changed. Keyed like its input, by endpoint id,
 * so the store needs no repartition and a query for an endpoint finds its owner with the same key.
 *
 * <p>The task's endpoints by quota status are counted for {@link QuotaMeters} once when the processor is initialised
 * (its store restored) and then at every write; the counts go when the processor is closed.
 */
public final class QuotaStateProcessor implements Processor<String, ReceivedEvent, String, QuotaState> {

    /** Endpoint id → {@link QuotaState}. */
    public static final String STATE_STORE = "quota-state";

    private final QuotaLedger ledger = new QuotaLedger();
    private final String stateChild;
    private final QuotaMeters meters;
    private ProcessorContext<String, QuotaState> context;
    private KeyValueStore<String, QuotaState> states;
    private TaskCounts<QuotaState>.Task counted;

    /** @param meters where endpoints by quota status are counted (shared by every task of the instance) */
    public QuotaStateProcessor(String stateChild, QuotaMeters meters) {
        this.stateChild = stateChild;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, QuotaState> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.counted = meters.counts().open(context.taskId(), states.all());
    }

    @Override
    public void close() {
        if (counted != null) {
            counted.close();
            counted = null;
        }
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        EmnifyEvent event = record.value().event();
        if (record.key() == null || !QuotaLedger.isRelevant(event)) {
            return;
        }
        QuotaState before = states.get(record.key());
        // the ledger may change the state it is given: what it counted as is taken first
        long countedBefore = meters.counts().classes(before);
        QuotaLedger.Outcome outcome = ledger.apply(before, event);
        if (outcome.changed()) {
            states.put(record.key(), outcome.state());
            counted.changed(countedBefore, outcome.state());
            context.forward(new Record<>(record.key(), outcome.state(), record.timestamp()), stateChild);
        }
    }
}
