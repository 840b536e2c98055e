package io.fleetstream.topology.history;

import io.fleetstream.avro.EmnifyEvent;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a slice of one scope's history from one partition's history store.
 *
 * <p>Only the scope's key range within [from, until] is visited, in the store's order (forwards for
 * oldest first, backwards for newest first). Filters and the total count read each entry's header;
 * only the events of the slice are decoded. Sorting by id gathers the matching positions first:
 * ids follow time closely but not exactly, so there is no range that yields them in id order.
 */
public final class EventHistoryReader {

    private final Deserializer<EmnifyEvent> deserializer;
    private final String subjectTopic;

    /**
     * @param deserializer the event value deserializer (Confluent wire format)
     * @param subjectTopic the topic the stored events were serialized for (the raw topic)
     */
    public EventHistoryReader(Deserializer<EmnifyEvent> deserializer, String subjectTopic) {
        this.deserializer = deserializer;
        this.subjectTopic = subjectTopic;
    }

    /**
     * The events at positions [offset, offset + limit) of the scope's matching history in
     * {@code order}, and how many match in all.
     */
    public HistoryPage read(ReadOnlyKeyValueStore<Bytes, byte[]> store, HistoryScope scope, EventFilter filter,
                            HistoryOrder order, long offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative: " + offset + ", " + limit);
        }
        Bytes lower = HistoryKeys.lowerBound(scope, filter.fromMillis());
        Bytes upper = HistoryKeys.upperBound(scope, filter.untilMillis());
        return order.byTime()
                ? readInTimeOrder(store, scope, filter, order, lower, upper, offset, limit)
                : readInIdOrder(store, scope, filter, order, lower, upper, offset, limit);
    }

    private HistoryPage readInTimeOrder(ReadOnlyKeyValueStore<Bytes, byte[]> store, HistoryScope scope,
                                        EventFilter filter, HistoryOrder order, Bytes lower, Bytes upper,
                                        long offset, int limit) {
        long total = 0;
        List<StoredEvent> events = new ArrayList<>(Math.min(limit, 1024));
        try (KeyValueIterator<Bytes, byte[]> it = order == HistoryOrder.NEWEST_FIRST
                ? store.reverseRange(lower, upper) : store.range(lower, upper)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                if (!filter.matches(entry.value)) {
                    continue;
                }
                if (total >= offset && total - offset < limit) {
                    byte[] key = entry.key.get();
                    StoredEvent event = resolve(store, HistoryKeys.timeMillis(key), HistoryKeys.eventId(key), entry.value);
                    if (event != null) {
                        events.add(event);
                    }
                }
                total++;
            }
        }
        return new HistoryPage(total, events);
    }

    private HistoryPage readInIdOrder(ReadOnlyKeyValueStore<Bytes, byte[]> store, HistoryScope scope,
                                      EventFilter filter, HistoryOrder order, Bytes lower, Bytes upper,
                                      long offset, int limit) {
        List<long[]> positions = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(lower, upper)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                if (filter.matches(entry.value)) {
                    byte[] key = entry.key.get();
                    positions.add(new long[]{HistoryKeys.timeMillis(key), HistoryKeys.eventId(key)});
                }
            }
        }
        positions.sort((a, b) -> order.compare(a[0], a[1], b[0], b[1]));
        List<StoredEvent> events = new ArrayList<>();
        for (long i = offset; i < positions.size() && i - offset < limit; i++) {
            long[] position = positions.get((int) i);
            byte[] value = store.get(HistoryKeys.entry(scope, position[0], position[1]));
            StoredEvent event = value == null ? null : resolve(store, position[0], position[1], value);
            if (event != null) {
                events.add(event);
            }
        }
        return new HistoryPage(positions.size(), events);
    }

    /** Decodes an entry, following an organisation entry's reference to its device entry; null when purged meanwhile. */
    private StoredEvent resolve(ReadOnlyKeyValueStore<Bytes, byte[]> store, long time, long id, byte[] value) {
        byte[] holder = value;
        if (HistoryEntry.isReference(value)) {
            holder = store.get(HistoryKeys.entry(HistoryScope.device(HistoryEntry.referencedEndpoint(value)), time, id));
            if (holder == null) {
                return null;
            }
        }
        return new StoredEvent(time, id, deserializer.deserialize(subjectTopic, HistoryEntry.wireFormat(holder)));
    }
}
