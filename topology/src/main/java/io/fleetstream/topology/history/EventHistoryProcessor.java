package io.fleetstream.topology.history;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every deduplicated event in its device's history and in its organisation's history, for the
 * retention (measured from the event's own time against the wall clock, like emnify's 30 days).
 *
 * <p>Why a key-value store rather than a windowed store: a window store that keeps several events per
 * key and timestamp tells them apart by a sequence number that restarts with the task, so after a
 * restart a new event could overwrite a stored one with the same device, millisecond and number, and a
 * record processed twice after a crash (at-least-once) would be stored twice. Keying by (scope, event
 * time, event id) makes every write idempotent and orders a scope's events by time.
 *
 * <p>Expiry needs no index: within a scope the keys are in time order, so what has expired is the start
 * of each scope's range. A sweep visits the scopes in key order, a bounded number per punctuation, and
 * deletes each one's expired start; it then goes on from where it stopped, and starts over at the end.
 * An event costs two writes (device and organisation entry), not three, and an expired event leaves
 * within one sweep of its retention ((devices + organisations) / {@link HistoryRetention#scopesPerPurge()} purge
 * intervals: for 100,000 devices about an hour at the defaults, 2,000 scopes a minute).
 *
 * <p>Organisation history is kept per partition: an organisation's device events are keyed by
 * endpoint and spread over every partition, and a repartition by organisation would copy every event
 * into another topic and put a large organisation's whole fleet on one task. A query for an
 * organisation therefore gathers from every partition (the query API does that).
 */
public final class EventHistoryProcessor implements Processor<String, ReceivedEvent, Void, Void> {

    /** (scope, event time, event id) → {@link HistoryEntry}. */
    public static final String HISTORY_STORE = "event-history";
    /** A step of the sweep deletes at most this many entries, so one tick never stalls the task. */
    static final int MAX_PURGE_PER_TICK = 50_000;

    private final HistoryRetention retention;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<Bytes, byte[]> history;
    /** Where the sweep goes on: the first key of the next scope to visit; null to start from the beginning. */
    private Bytes sweepFrom;

    /** Stored events keep the bytes they were received in (Confluent wire format, their schema id included). */
    public EventHistoryProcessor(HistoryRetention retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.history = context.getStateStore(HISTORY_STORE);
        context.schedule(retention.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        EmnifyEvent event = record.value().event();
        long time = event.getTimestamp().toEpochMilli();
        if (time < context.currentSystemTimeMs() - retention.retention().toMillis()) {
            return; // a backfill older than the retention would only be purged again
        }
        boolean hasDevice = event.getEndpoint() != null;
        boolean hasOrganisation = event.getOrganisation() != null;
        if (!hasDevice && !hasOrganisation) {
            return;
        }
        long id = event.getId();
        long endpointId = hasDevice ? event.getEndpoint().getId() : 0;
        byte[] wireFormat = record.value().wireFormat();
        if (hasDevice) {
            history.put(HistoryKeys.entry(HistoryScope.device(endpointId), time, id), HistoryEntry.event(event, wireFormat));
        }
        if (hasOrganisation) {
            history.put(HistoryKeys.entry(HistoryScope.organisation(event.getOrganisation().getId()), time, id), hasDevice
                    ? HistoryEntry.deviceReference(event, endpointId)
                    : HistoryEntry.event(event, wireFormat));
        }
    }

    /** One step of the sweep: the expired start of up to {@link HistoryRetention#scopesPerPurge()} scopes. */
    private void purge(long now) {
        long cutoff = now - retention.retention().toMillis();
        List<Bytes> expired = new ArrayList<>();
        for (int scopes = 0; scopes < retention.scopesPerPurge() && expired.size() < MAX_PURGE_PER_TICK; scopes++) {
            byte[] scopeKey = firstKeyFrom(sweepFrom);
            if (scopeKey == null) {
                sweepFrom = null; // past the last scope: the next tick starts over
                break;
            }
            HistoryScope scope = HistoryKeys.scopeOf(scopeKey);
            try (KeyValueIterator<Bytes, byte[]> old = history.range(HistoryKeys.lowerBound(scope, Long.MIN_VALUE),
                    HistoryKeys.upperBound(scope, cutoff - 1))) {
                while (old.hasNext() && expired.size() < MAX_PURGE_PER_TICK) {
                    expired.add(old.next().key);
                }
                // a scope with more to delete than this tick allows is visited again first next time
                sweepFrom = old.hasNext() ? HistoryKeys.lowerBound(scope, Long.MIN_VALUE) : HistoryKeys.afterScopeOf(scopeKey);
            }
            if (sweepFrom == null) {
                break;
            }
        }
        expired.forEach(history::delete);
    }

    private byte[] firstKeyFrom(Bytes from) {
        try (KeyValueIterator<Bytes, byte[]> next = from == null ? history.all() : history.range(from, null)) {
            if (!next.hasNext()) {
                return null;
            }
            KeyValue<Bytes, byte[]> first = next.next();
            return first.key.get();
        }
    }
}
