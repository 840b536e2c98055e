package io.fleetstream.topology.timeindex;

import java.nio.ByteBuffer;

/**
 * The one encoding of longs in store keys that range scans depend on: big-endian with the sign bit
 * flipped. RocksDB and Kafka's {@code Bytes} compare keys as unsigned bytes; flipping the sign bit makes
 * that order the signed numeric order, so even a (nonsensical) time before 1970 sorts before every other
 * instead of after, and fixed-length keys of several longs sort by the first, then the next.
 * {@link TimeIndex} and the history store's keys are both written with it.
 */
public final class OrderedKeys {

    private OrderedKeys() {
    }

    /** Writes {@code value} at the buffer's position so that its bytes sort as the number does. */
    public static ByteBuffer putLong(ByteBuffer key, long value) {
        return key.putLong(flip(value));
    }

    /** Reads the long {@link #putLong} wrote at {@code offset} of {@code key}. */
    public static long getLong(byte[] key, int offset) {
        return flip(ByteBuffer.wrap(key).getLong(offset));
    }

    private static long flip(long value) {
        return value ^ Long.MIN_VALUE;
    }
}
