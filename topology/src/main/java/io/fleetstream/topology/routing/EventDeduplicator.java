package io.fleetstream.topology.routing;

import io.fleetstream.topology.timeindex.TimeIndex;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;

/**
 * Passes each event id on once. The Data Streamer is at-least-once and the REST poller overlaps it,
 * so copies are normal. Ids are remembered for a retention measured from when fleetstream first saw
 * them (wall clock), not from the event's own time: a 30-day backfill or a replayed export from
 * years ago is deduplicated and routed like live traffic, never dropped as late.
 *
 * <p>Forgetting uses an index ordered by first-seen time, so a purge touches only what expires.
 * Copies share their key (endpoint or organisation), so they meet on the same partition and the
 * stores need no repartitioning.
 */
public final class EventDeduplicator implements Processor<String, ReceivedEvent, String, ReceivedEvent> {

    /** Event id → first-seen wall-clock millis. */
    public static final String SEEN_STORE = "dedupe-seen";
    /** (first-seen millis, event id) → nothing; orders ids by when they expire. */
    public static final String EXPIRY_STORE = "dedupe-expiry";
    /** A purge removes at most this many ids per punctuation, so one tick never stalls the task. */
    static final int MAX_PURGE_PER_TICK = 50_000;
    private static final byte[] EMPTY = new byte[0];

    private final Duration retention;
    private final Duration purgeInterval;
    private ProcessorContext<String, ReceivedEvent> context;
    private KeyValueStore<Long, Long> seen;
    private TimeIndex expiry;

    public EventDeduplicator(Duration retention, Duration purgeInterval) {
        this.retention = retention;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public void init(ProcessorContext<String, ReceivedEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(SEEN_STORE);
        this.expiry = new TimeIndex(context.getStateStore(EXPIRY_STORE));
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        long id = record.value().event().getId();
        if (seen.get(id) != null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        seen.put(id, now);
        expiry.put(now, id, EMPTY);
        context.forward(record);
    }

    private void purge(long now) {
        long cutoff = now - retention.toMillis();
        if (cutoff <= 0) {
            return;
        }
        for (TimeIndex.Entry expired : expiry.upTo(cutoff - 1, MAX_PURGE_PER_TICK)) {
            seen.delete(expired.id());
            expiry.delete(expired.time(), expired.id());
        }
    }
}
