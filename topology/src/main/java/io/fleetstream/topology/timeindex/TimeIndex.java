package io.fleetstream.topology.timeindex;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Entries ordered by time over a key-value store: what expires (dedupe ids, history), what is due
 * (pending offlines). Keys are {@code (time, id)}, each encoded by {@link OrderedKeys}, so the
 * store's byte order is numeric order and "everything at or before t" is one range scan
 * that touches only those entries, never the whole table.
 *
 * <p>Scans start at a floor, not at the smallest possible key: entries are put and deleted in time order, and every
 * deleted entry leaves a tombstone in RocksDB until compaction, so a scan from the very start steps over all the
 * tombstones of what was released since the last compaction (tens of thousands at a steady event rate; profiled, two
 * thirds of the device-state processor's time). The floor is a time no entry is below: lowered by every put, raised
 * to the earliest entry a scan finds. It lives in memory; a new instance (a task opened, restored or moved) starts
 * at the bottom and its first scan finds it.
 */
public final class TimeIndex {

    /** One indexed entry and the value kept with it. */
    public record Entry(long time, long id, byte[] value) {
    }

    private static final int KEY_LENGTH = 2 * Long.BYTES;

    private final KeyValueStore<Bytes, byte[]> store;
    /** No entry has a time below it; every change to the store goes through this instance. */
    private long floor = Long.MIN_VALUE;

    public TimeIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public void put(long time, long id, byte[] value) {
        store.put(key(time, id), value);
        floor = Math.min(floor, time);
    }

    public void delete(long time, long id) {
        store.delete(key(time, id));
    }

    /** At most {@code max} entries with a time at or before {@code limit}, oldest first. */
    public List<Entry> upTo(long limit, int max) {
        List<Entry> entries = new ArrayList<>();
        if (limit < floor) {
            return entries;
        }
        try (KeyValueIterator<Bytes, byte[]> it = store.range(key(floor, Long.MIN_VALUE), key(limit, Long.MAX_VALUE))) {
            while (it.hasNext() && entries.size() < max) {
                KeyValue<Bytes, byte[]> next = it.next();
                entries.add(new Entry(time(next.key.get()), id(next.key.get()), next.value));
            }
        }
        if (!entries.isEmpty()) {
            floor = entries.get(0).time();
        } else if (limit < Long.MAX_VALUE) {
            floor = limit + 1;
        }
        return entries;
    }

    /** The earliest time in the index, or {@link Long#MAX_VALUE} when it is empty. */
    public long earliest() {
        try (KeyValueIterator<Bytes, byte[]> it = store.range(key(floor, Long.MIN_VALUE), key(Long.MAX_VALUE, Long.MAX_VALUE))) {
            long earliest = it.hasNext() ? time(it.next().key.get()) : Long.MAX_VALUE;
            floor = earliest;
            return earliest;
        }
    }

    static Bytes key(long time, long id) {
        ByteBuffer key = ByteBuffer.allocate(KEY_LENGTH);
        OrderedKeys.putLong(key, time);
        OrderedKeys.putLong(key, id);
        return Bytes.wrap(key.array());
    }

    static long time(byte[] key) {
        return OrderedKeys.getLong(key, 0);
    }

    static long id(byte[] key) {
        return OrderedKeys.getLong(key, Long.BYTES);
    }
}
