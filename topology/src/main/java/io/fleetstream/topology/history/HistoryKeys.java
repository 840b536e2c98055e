package io.fleetstream.topology.history;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;

/**
 * Key layouts of the history stores, all fixed-length and big-endian so that the store's byte order
 * is the order the queries need.
 *
 * <p>History entries: {@code (scope kind, scope id, event time, event id)}. One scope's events over a
 * time range are one contiguous key range, so "newest first within [from, until]" for a device is a
 * single bounded reverse range scan, and ties on the same millisecond are ordered by event id.
 *
 * <p>The expiry index is a {@link io.fleetstream.topology.timeindex.TimeIndex} of (event time, event id).
 *
 * <p>Every long is stored with its sign bit flipped: unsigned byte order then equals signed numeric
 * order, so even a (nonsensical) time before 1970 sorts correctly instead of after every other.
 */
final class HistoryKeys {

    static final int ENTRY_KEY_LENGTH = 1 + 3 * Long.BYTES;
    private static final int TIME_OFFSET = 1 + Long.BYTES;
    private static final int EVENT_ID_OFFSET = 1 + 2 * Long.BYTES;

    private HistoryKeys() {
    }

    static Bytes entry(HistoryScope scope, long timeMillis, long eventId) {
        return Bytes.wrap(ByteBuffer.allocate(ENTRY_KEY_LENGTH)
                .put(scope.kind().tag)
                .putLong(flip(scope.id()))
                .putLong(flip(timeMillis))
                .putLong(flip(eventId))
                .array());
    }

    /** The first possible key of {@code scope} at or after {@code fromMillis}. */
    static Bytes lowerBound(HistoryScope scope, long fromMillis) {
        return entry(scope, fromMillis, Long.MIN_VALUE);
    }

    /** The last possible key of {@code scope} at or before {@code untilMillis}. */
    static Bytes upperBound(HistoryScope scope, long untilMillis) {
        return entry(scope, untilMillis, Long.MAX_VALUE);
    }

    static long timeMillis(byte[] entryKey) {
        return flip(ByteBuffer.wrap(entryKey).getLong(TIME_OFFSET));
    }

    static long eventId(byte[] entryKey) {
        return flip(ByteBuffer.wrap(entryKey).getLong(EVENT_ID_OFFSET));
    }

    private static long flip(long value) {
        return value ^ Long.MIN_VALUE;
    }
}
