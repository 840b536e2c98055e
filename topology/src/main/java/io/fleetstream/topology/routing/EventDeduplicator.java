package io.fleetstream.topology.routing;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Passes each event id on once. The Data Streamer is at-least-once and the REST poller overlaps it,
 * so copies are normal. Ids are remembered for a retention measured from when fleetstream first saw
 * them (wall clock), not from the event's own time: a 30-day backfill or a replayed export from
 * years ago is deduplicated and routed like live traffic, never dropped as late.
 *
 * <p>The ids live in a segmented (window) store stamped with their first-seen wall-clock time: one write per new
 * event, and forgetting costs nothing, because whole segments past the retention are dropped (and the changelog,
 * compacted with time retention, drops them too), where a store with an expiry index paid a second write per event
 * and a delete per expired id. Copies share their key (endpoint or organisation), so they meet on the same partition
 * and the store needs no repartitioning.
 */
public final class EventDeduplicator implements Processor<String, ReceivedEvent, String, ReceivedEvent> {

    /** Event id, stamped with its first-seen wall-clock millis → that time. */
    public static final String SEEN_STORE = "dedupe-first-seen";

    private final Duration retention;
    private final RoutingMeters meters;
    private ProcessorContext<String, ReceivedEvent> context;
    private FirstSeenIds seen;

    /** @param meters where dropped copies are counted */
    public EventDeduplicator(Duration retention, RoutingMeters meters) {
        this.retention = retention;
        this.meters = meters;
    }

    /** The store this processor needs: ids kept for {@code retention} after they were first seen. */
    public static StoreBuilder<WindowStore<Long, Long>> seenStore(Duration retention) {
        return FirstSeenIds.store(SEEN_STORE, retention);
    }

    @Override
    public void init(ProcessorContext<String, ReceivedEvent> context) {
        this.context = context;
        this.seen = new FirstSeenIds(context.getStateStore(SEEN_STORE), retention);
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        if (!seen.firstSighting(record.value().event().getId(), context.currentSystemTimeMs())) {
            meters.duplicateDropped();
            return;
        }
        context.forward(record);
    }
}
