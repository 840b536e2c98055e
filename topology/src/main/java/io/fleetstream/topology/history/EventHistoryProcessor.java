package io.fleetstream.topology.history;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.timeindex.TimeIndex;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;

/**
 * Keeps every deduplicated event in its device's history and in its organisation's history, for the
 * retention (measured from the event's own time against the wall clock, like emnify's 30 days).
 *
 * <p>Why a key-value store with an expiry index rather than a windowed store: a window store that
 * keeps several events per key and timestamp tells them apart by a sequence number that restarts
 * with the task, so after a restart a new event could overwrite a stored one with the same device,
 * millisecond and number, and a record processed twice after a crash (at-least-once) would be stored
 * twice. Keying by (scope, event time, event id) makes every write idempotent and orders a scope's
 * events by time. Expiry reads an index ordered by event time, so a purge touches only what expires
 * (bounded per tick), never the whole store.
 *
 * <p>Organisation history is kept per partition: an organisation's device events are keyed by
 * endpoint and spread over every partition, and a repartition by organisation would copy every event
 * into another topic and put a large organisation's whole fleet on one task. A query for an
 * organisation therefore gathers from every partition (the query API does that).
 */
public final class EventHistoryProcessor implements Processor<String, ReceivedEvent, Void, Void> {

    /** (scope, event time, event id) → {@link HistoryEntry}. */
    public static final String HISTORY_STORE = "event-history";
    /** (event time, event id) → the scopes the event was stored under. */
    public static final String EXPIRY_STORE = "event-history-expiry";
    /** A purge removes at most this many events per punctuation, so one tick never stalls the task. */
    static final int MAX_PURGE_PER_TICK = 50_000;

    private static final byte HAS_DEVICE = 1;
    private static final byte HAS_ORGANISATION = 2;

    private final HistoryRetention retention;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<Bytes, byte[]> history;
    private TimeIndex expiry;

    /** Stored events keep the bytes they were received in (Confluent wire format, their schema id included). */
    public EventHistoryProcessor(HistoryRetention retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.history = context.getStateStore(HISTORY_STORE);
        this.expiry = new TimeIndex(context.getStateStore(EXPIRY_STORE));
        context.schedule(retention.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        EmnifyEvent event = record.value().event();
        long time = event.getTimestamp().toEpochMilli();
        if (time < context.currentSystemTimeMs() - retention.retention().toMillis()) {
            return; // a backfill older than the retention would only be purged again on the next tick
        }
        boolean hasDevice = event.getEndpoint() != null;
        boolean hasOrganisation = event.getOrganisation() != null;
        if (!hasDevice && !hasOrganisation) {
            return;
        }
        long id = event.getId();
        long endpointId = hasDevice ? event.getEndpoint().getId() : 0;
        long organisationId = hasOrganisation ? event.getOrganisation().getId() : 0;
        byte[] wireFormat = record.value().wireFormat();
        if (hasDevice) {
            history.put(HistoryKeys.entry(HistoryScope.device(endpointId), time, id), HistoryEntry.event(event, wireFormat));
        }
        if (hasOrganisation) {
            history.put(HistoryKeys.entry(HistoryScope.organisation(organisationId), time, id), hasDevice
                    ? HistoryEntry.deviceReference(event, endpointId)
                    : HistoryEntry.event(event, wireFormat));
        }
        expiry.put(time, id, ByteBuffer.allocate(1 + 2 * Long.BYTES)
                .put((byte) ((hasDevice ? HAS_DEVICE : 0) | (hasOrganisation ? HAS_ORGANISATION : 0)))
                .putLong(endpointId)
                .putLong(organisationId)
                .array());
    }

    private void purge(long now) {
        long cutoff = now - retention.retention().toMillis();
        for (TimeIndex.Entry entry : expiry.upTo(cutoff - 1, MAX_PURGE_PER_TICK)) {
            long time = entry.time();
            long id = entry.id();
            ByteBuffer scopes = ByteBuffer.wrap(entry.value());
            byte flags = scopes.get();
            long endpointId = scopes.getLong();
            long organisationId = scopes.getLong();
            if ((flags & HAS_DEVICE) != 0) {
                history.delete(HistoryKeys.entry(HistoryScope.device(endpointId), time, id));
            }
            if ((flags & HAS_ORGANISATION) != 0) {
                history.delete(HistoryKeys.entry(HistoryScope.organisation(organisationId), time, id));
            }
            expiry.delete(time, id);
        }
    }
}
