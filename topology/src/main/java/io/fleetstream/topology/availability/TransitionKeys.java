package io.fleetstream.topology.availability;

import io.fleetstream.topology.timeindex.OrderedKeys;
import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;

/**
 * Keys of the availability store: {@code (endpoint id, change time)}, both encoded by {@link OrderedKeys}, so that a
 * device's changes are one contiguous key range in time order and the devices follow each other in id order.
 */
final class TransitionKeys {

    static final int LENGTH = 2 * Long.BYTES;

    private TransitionKeys() {
    }

    static Bytes key(long endpointId, long atMillis) {
        ByteBuffer key = ByteBuffer.allocate(LENGTH);
        OrderedKeys.putLong(key, endpointId);
        OrderedKeys.putLong(key, atMillis);
        return Bytes.wrap(key.array());
    }

    /** The first possible key of the device. */
    static Bytes first(long endpointId) {
        return key(endpointId, Long.MIN_VALUE);
    }

    /** The last possible key of the device. */
    static Bytes last(long endpointId) {
        return key(endpointId, Long.MAX_VALUE);
    }

    /** Where the next device's keys start; null after the largest id. */
    static Bytes afterDevice(long endpointId) {
        return endpointId == Long.MAX_VALUE ? null : first(endpointId + 1);
    }

    static long endpointId(byte[] key) {
        return OrderedKeys.getLong(key, 0);
    }

    static long atMillis(byte[] key) {
        return OrderedKeys.getLong(key, Long.BYTES);
    }
}
