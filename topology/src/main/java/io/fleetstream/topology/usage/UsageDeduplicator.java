package io.fleetstream.topology.usage;

import io.fleetstream.topology.routing.FirstSeenIds;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Passes each usage record id on once, with the events' dedupe mechanism and retention ({@link FirstSeenIds}) in a
 * store of its own: the Data Streamer delivers usage records at least once too, and emnify numbers them apart from
 * events. Copies share their key (the endpoint), so they meet on the same partition.
 */
public final class UsageDeduplicator implements Processor<String, ReceivedUsage, String, ReceivedUsage> {

    /** Usage record id, stamped with its first-seen wall-clock millis → that time. */
    public static final String SEEN_STORE = "usage-dedupe-first-seen";

    private final Duration retention;
    private final UsageMeters meters;
    private ProcessorContext<String, ReceivedUsage> context;
    private FirstSeenIds seen;

    public UsageDeduplicator(Duration retention, UsageMeters meters) {
        this.retention = retention;
        this.meters = meters;
    }

    public static StoreBuilder<WindowStore<Long, Long>> seenStore(Duration retention) {
        return FirstSeenIds.store(SEEN_STORE, retention);
    }

    @Override
    public void init(ProcessorContext<String, ReceivedUsage> context) {
        this.context = context;
        this.seen = new FirstSeenIds(context.getStateStore(SEEN_STORE), retention);
    }

    @Override
    public void process(Record<String, ReceivedUsage> record) {
        if (!seen.firstSighting(record.value().usage().getId(), context.currentSystemTimeMs())) {
            meters.duplicateDropped();
            return;
        }
        context.forward(record);
    }
}
