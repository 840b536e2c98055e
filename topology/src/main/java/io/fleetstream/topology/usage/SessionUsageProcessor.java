package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Keeps every session's usage: each deduplicated usage record of a routed traffic type with an endpoint and a
 * {@code session_id} is added to its session's {@link SessionUsage} in {@value #STORE}. This is the usage side of the
 * join to the device's session: the device state (another subtopology, see {@link UsageTopology}) knows the open and
 * the last session's id, and the query API looks their usage up here by that id. A record without a
 * {@code session_id} belongs to no session: it is still counted per hour and per operator, and still routed.
 *
 * <p>The store is a persistent window store, logged, with the history retention, so Kafka Streams drops old
 * sessions with their segments and no sweep is needed. Key: {@link #key} (endpoint id, then session id), so one
 * device's sessions are one key range. Window start: the {@code end_timestamp} of the first record counted for the
 * session, its anchor: a later record finds the session by key whatever its own time, and the session is dropped
 * once that first record is older than the retention.
 */
public final class SessionUsageProcessor implements Processor<String, ReceivedUsage, Void, Void> {

    /** {@link #key}(endpoint id, session id), at the first record's end → {@link SessionUsage}. */
    public static final String STORE = "device-session-usage";
    /** Only the window start matters here; the size is what the store's segments are measured against. */
    private static final Duration WINDOW = Duration.ofDays(1);
    /** Above every byte of a UTF-8 session id: the end of one endpoint's key range. */
    private static final byte AFTER_ANY_SESSION = (byte) 0xFF;

    private WindowStore<Bytes, byte[]> store;

    public static StoreBuilder<WindowStore<Bytes, byte[]>> store(Duration retention) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, retention.plus(WINDOW), WINDOW, false),
                Serdes.Bytes(), Serdes.ByteArray());
    }

    /** The store key of a session: the endpoint id (8 bytes, big-endian), then the session id in UTF-8. */
    public static Bytes key(long endpointId, String sessionId) {
        byte[] session = sessionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + session.length).putLong(endpointId).put(session).array());
    }

    /** The first key of an endpoint's range (inclusive). */
    public static Bytes firstKey(long endpointId) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(endpointId).array());
    }

    /** The last key of an endpoint's range (inclusive): no UTF-8 session id reaches it. */
    public static Bytes lastKey(long endpointId) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1).putLong(endpointId).put(AFTER_ANY_SESSION).array());
    }

    /** Whether a key found in an endpoint's range is one of its sessions (range scans may return neighbours). */
    public static boolean ofEndpoint(Bytes key, long endpointId) {
        byte[] k = key.get();
        return k.length >= Long.BYTES && Arrays.equals(k, 0, Long.BYTES, firstKey(endpointId).get(), 0, Long.BYTES);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ReceivedUsage> record) {
        UsageRecord usage = record.value().usage();
        UsageTraffic traffic = UsageTraffic.of(usage.getTrafficType().getId());
        if (traffic == null || usage.getEndpoint() == null || usage.getSessionId() == null) {
            return;
        }
        Bytes key = key(usage.getEndpoint().getId(), usage.getSessionId());
        long anchor = usage.getEndTimestamp().toEpochMilli();
        SessionUsage session = SessionUsage.empty(usage.getSessionId());
        try (WindowStoreIterator<byte[]> stored = store.fetch(key, 0L, Long.MAX_VALUE)) {
            if (stored.hasNext()) {
                KeyValue<Long, byte[]> found = stored.next();
                anchor = found.key;
                session = SessionUsage.decode(found.value);
            }
        }
        session.add(usage, UsageTotalsProcessor.totalsOf(usage, traffic));
        store.put(key, session.encode(), anchor);
    }
}
