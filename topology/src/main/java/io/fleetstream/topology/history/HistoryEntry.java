package io.fleetstream.topology.history;

import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.EmnifyEvent;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The value of a history entry: a fixed header with what the filters look at (type, source,
 * severity, alert), then either the event itself (Confluent wire format, readable with the event
 * serde) or, in an organisation's history, a reference to the device entry that holds it.
 *
 * <p>The header lets a query filter and count a scope's entries without decoding any Avro; only the
 * events of the requested page are decoded. The reference keeps an organisation's history from
 * storing every device event twice: the device entry sits in the same store of the same task (both
 * are written from one record), so it can always be looked up next to the reference.
 */
final class HistoryEntry {

    static final byte EVENT = 1;
    static final byte DEVICE_REFERENCE = 2;
    /** format, type id, source id, severity id, alert */
    static final int HEADER_LENGTH = 1 + 3 * Integer.BYTES + 1;
    /** Stands for an absent source or severity: emnify's ids are small non-negative numbers. */
    static final int ABSENT = Integer.MIN_VALUE;

    private HistoryEntry() {
    }

    static byte[] event(EmnifyEvent event, byte[] wireFormat) {
        ByteBuffer buffer = header(EVENT, event, wireFormat.length);
        return buffer.put(wireFormat).array();
    }

    static byte[] deviceReference(EmnifyEvent event, long endpointId) {
        return header(DEVICE_REFERENCE, event, Long.BYTES).putLong(endpointId).array();
    }

    static boolean isReference(byte[] value) {
        return value[0] == DEVICE_REFERENCE;
    }

    static int typeId(byte[] value) {
        return ByteBuffer.wrap(value).getInt(1);
    }

    static int sourceId(byte[] value) {
        return ByteBuffer.wrap(value).getInt(1 + Integer.BYTES);
    }

    static int severityId(byte[] value) {
        return ByteBuffer.wrap(value).getInt(1 + 2 * Integer.BYTES);
    }

    static boolean alert(byte[] value) {
        return value[1 + 3 * Integer.BYTES] != 0;
    }

    static long referencedEndpoint(byte[] value) {
        return ByteBuffer.wrap(value).getLong(HEADER_LENGTH);
    }

    /** The event in Confluent wire format, for the event deserializer. */
    static byte[] wireFormat(byte[] value) {
        return Arrays.copyOfRange(value, HEADER_LENGTH, value.length);
    }

    private static ByteBuffer header(byte format, EmnifyEvent event, int payloadLength) {
        return ByteBuffer.allocate(HEADER_LENGTH + payloadLength)
                .put(format)
                .putInt(event.getEventType().getId())
                .putInt(id(event.getEventSource()))
                .putInt(id(event.getEventSeverity()))
                .put((byte) (event.getAlert() ? 1 : 0));
    }

    private static int id(CodedValue value) {
        return value == null ? ABSENT : value.getId();
    }
}
