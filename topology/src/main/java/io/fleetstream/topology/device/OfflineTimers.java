package io.fleetstream.topology.device;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Keys of the pending-offline index: (due time, endpoint id), both big-endian, so the store's byte
 * order is due-time order and "everything due by t" is one range scan that touches only due entries.
 * Both parts are non-negative (epoch millis, emnify ids), which keeps unsigned byte order numeric.
 */
final class OfflineTimers {

    private OfflineTimers() {
    }

    static Bytes key(Instant due, long endpointId) {
        return key(due.toEpochMilli(), endpointId);
    }

    static Bytes key(long dueMillis, long endpointId) {
        return Bytes.wrap(ByteBuffer.allocate(2 * Long.BYTES).putLong(dueMillis).putLong(endpointId).array());
    }

    /** The first key after every entry due at or before {@code dueMillis}. */
    static Bytes upperBound(long dueMillis) {
        return key(dueMillis, Long.MAX_VALUE);
    }

    static Bytes lowerBound() {
        return key(0, 0);
    }

    static long dueMillis(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(0);
    }

    static long endpointId(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(Long.BYTES);
    }
}
