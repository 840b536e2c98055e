package io.fleetstream.topology.history;

import io.fleetstream.topology.timeindex.OrderedKeys;
import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Key layouts of the history stores, all fixed-length and big-endian so that the store's byte order
 * is the order the queries need.
 *
 * <p>History entries: {@code (scope kind, scope id, event time, event id)}. One scope's events over a
 * time range are one contiguous key range, so "newest first within [from, until]" for a device is a
 * single bounded reverse range scan, and ties on the same millisecond are ordered by event id.
 *
 * <p>Every long is encoded by {@link OrderedKeys}: unsigned byte order then equals signed numeric order.
 */
final class HistoryKeys {

    static final int ENTRY_KEY_LENGTH = 1 + 3 * Long.BYTES;
    /** The scope's part of a key: kind and id. */
    private static final int SCOPE_LENGTH = 1 + Long.BYTES;
    private static final int TIME_OFFSET = SCOPE_LENGTH;
    private static final int EVENT_ID_OFFSET = 1 + 2 * Long.BYTES;

    private HistoryKeys() {
    }

    static Bytes entry(HistoryScope scope, long timeMillis, long eventId) {
        ByteBuffer key = ByteBuffer.allocate(ENTRY_KEY_LENGTH).put(scope.kind().tag);
        OrderedKeys.putLong(key, scope.id());
        OrderedKeys.putLong(key, timeMillis);
        OrderedKeys.putLong(key, eventId);
        return Bytes.wrap(key.array());
    }

    /** The first possible key of {@code scope} at or after {@code fromMillis}. */
    static Bytes lowerBound(HistoryScope scope, long fromMillis) {
        return entry(scope, fromMillis, Long.MIN_VALUE);
    }

    /** The last possible key of {@code scope} at or before {@code untilMillis}. */
    static Bytes upperBound(HistoryScope scope, long untilMillis) {
        return entry(scope, untilMillis, Long.MAX_VALUE);
    }

    /**
     * The first key after every key of the scope {@code entryKey} belongs to, i.e. where the next scope's keys would
     * start; null when no key can follow.
     */
    static Bytes afterScopeOf(byte[] entryKey) {
        byte[] next = Arrays.copyOf(entryKey, SCOPE_LENGTH);
        for (int i = SCOPE_LENGTH - 1; i >= 0; i--) {
            if (++next[i] != 0) {
                return Bytes.wrap(next);
            }
        }
        return null;
    }

    /** The scope an entry key belongs to. */
    static HistoryScope scopeOf(byte[] entryKey) {
        for (HistoryScope.Kind kind : HistoryScope.Kind.values()) {
            if (kind.tag == entryKey[0]) {
                return new HistoryScope(kind, OrderedKeys.getLong(entryKey, 1));
            }
        }
        throw new IllegalArgumentException("not a history key: scope tag " + entryKey[0]);
    }

    static long timeMillis(byte[] entryKey) {
        return OrderedKeys.getLong(entryKey, TIME_OFFSET);
    }

    static long eventId(byte[] entryKey) {
        return OrderedKeys.getLong(entryKey, EVENT_ID_OFFSET);
    }
}
