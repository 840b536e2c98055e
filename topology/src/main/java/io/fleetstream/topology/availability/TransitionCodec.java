package io.fleetstream.topology.availability;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Values of the availability store: the changes of one device in one millisecond, in the order they happened
 * (nearly always one; a purge and a new session in the same millisecond make two). The time is in the key.
 *
 * <p>Layout: a version byte, a count, then per change a presence byte (1 online, 0 offline), a byte saying whether an
 * event id follows, the event id, and the reason as a length-prefixed UTF-8 name. Reasons are kept by name, not by
 * the Avro enum's position, so a symbol added to the presence schema cannot shift what stored values mean.
 */
final class TransitionCodec {

    private static final byte VERSION = 1;

    private TransitionCodec() {
    }

    static byte[] encode(List<PresenceTransition> changes) {
        if (changes.isEmpty() || changes.size() > Short.MAX_VALUE) {
            throw new IllegalArgumentException("a stored millisecond holds 1 to " + Short.MAX_VALUE + " changes, got "
                    + changes.size());
        }
        List<byte[]> reasons = new ArrayList<>(changes.size());
        int size = 1 + Short.BYTES;
        for (PresenceTransition change : changes) {
            byte[] reason = change.reason().getBytes(StandardCharsets.UTF_8);
            reasons.add(reason);
            size += 2 + Long.BYTES + Short.BYTES + reason.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putShort((short) changes.size());
        for (int i = 0; i < changes.size(); i++) {
            PresenceTransition change = changes.get(i);
            out.put((byte) (change.online() ? 1 : 0))
                    .put((byte) (change.eventId() == null ? 0 : 1))
                    .putLong(change.eventId() == null ? 0 : change.eventId())
                    .putShort((short) reasons.get(i).length)
                    .put(reasons.get(i));
        }
        return out.array();
    }

    static List<PresenceTransition> decode(long atMillis, byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalStateException("availability store value of version " + version + ", this build reads "
                    + VERSION);
        }
        int count = in.getShort();
        List<PresenceTransition> changes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean online = in.get() == 1;
            boolean hasEventId = in.get() == 1;
            long eventId = in.getLong();
            byte[] reason = new byte[in.getShort()];
            in.get(reason);
            changes.add(new PresenceTransition(atMillis, online, new String(reason, StandardCharsets.UTF_8),
                    hasEventId ? eventId : null));
        }
        return changes;
    }
}
