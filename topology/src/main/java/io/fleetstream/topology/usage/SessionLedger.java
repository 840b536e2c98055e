package io.fleetstream.topology.usage;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads a device's sessions from {@value SessionUsageProcessor#STORE}: one session by its id (the join from the
 * device state's open or last session), or every session whose records' span meets a range (the ledger). Windows are
 * read over all time: a session's window start is only its anchor, and the store keeps nothing older than the
 * retention anyway.
 */
public final class SessionLedger {

    private static final Instant EVER = Instant.EPOCH;
    private static final Instant NEVER = Instant.ofEpochMilli(Long.MAX_VALUE);

    private SessionLedger() {
    }

    /** The usage counted for one session of a device; empty when no usage record of it is kept. */
    public static Optional<SessionUsage> session(ReadOnlyWindowStore<Bytes, byte[]> store, long endpointId,
                                                 String sessionId) {
        try (WindowStoreIterator<byte[]> found = store.fetch(SessionUsageProcessor.key(endpointId, sessionId), EVER, NEVER)) {
            return found.hasNext() ? Optional.of(SessionUsage.decode(found.next().value)) : Optional.empty();
        }
    }

    /** A device's sessions whose records' span meets {@code [from, until)}, by their first start (then id). */
    public static List<SessionUsage> sessions(ReadOnlyWindowStore<Bytes, byte[]> store, long endpointId, Instant from,
                                              Instant until) {
        List<SessionUsage> sessions = new ArrayList<>();
        try (KeyValueIterator<Windowed<Bytes>, byte[]> it = store.fetch(SessionUsageProcessor.firstKey(endpointId),
                SessionUsageProcessor.lastKey(endpointId), EVER, NEVER)) {
            while (it.hasNext()) {
                KeyValue<Windowed<Bytes>, byte[]> entry = it.next();
                if (!SessionUsageProcessor.ofEndpoint(entry.key.key(), endpointId)) {
                    continue;
                }
                SessionUsage session = SessionUsage.decode(entry.value);
                if (session.overlaps(from.toEpochMilli(), until.toEpochMilli())) {
                    sessions.add(session);
                }
            }
        }
        sessions.sort(Comparator.comparing(SessionUsage::firstStart).thenComparing(SessionUsage::sessionId));
        return sessions;
    }
}
