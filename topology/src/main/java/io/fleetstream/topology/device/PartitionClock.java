package io.fleetstream.topology.device;

import io.fleetstream.avro.IngestSource;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The event-time clock of one partition of the device processor, with a watermark per ingest source.
 *
 * <p>Each source (the Data Streamer webhook, the REST poller, the simulator, anything else) has its
 * own watermark on the partition: the latest event time it has delivered there. A source counts
 * while it is <em>active</em>: its latest record was ingested no more than {@code sourceIdle}
 * before the latest record of any source on the partition. The partition's event clock is the
 * earliest watermark of its active sources minus the lateness bound. So a backfill and a live stream
 * sharing a partition hold each other back instead of one firing the other's timers, and an event
 * that arrives out of order by less than the bound behind its own source's watermark is still ahead
 * of the clock.
 *
 * <p>Activity is judged by ingest time, which travels in every record, not by when a record happens
 * to be processed: a replay of the same records computes the same clock. Plain Java, no Kafka types;
 * {@link #encode()} and {@link #decode(byte[])} persist it in the processor's store.
 */
final class PartitionClock {

    static final long NONE = Long.MIN_VALUE;
    private static final IngestSource[] SOURCES = IngestSource.values();
    private static final int VERSION = 1;

    private final long[] watermark = new long[SOURCES.length];
    private final long[] lastIngest = new long[SOURCES.length];
    private long latestIngest = NONE;

    PartitionClock() {
        Arrays.fill(watermark, NONE);
        Arrays.fill(lastIngest, NONE);
    }

    /** Takes note of one record of the partition; returns whether anything changed. */
    boolean observe(IngestSource source, long eventTime, long ingestTime) {
        int s = (source == null ? IngestSource.UNKNOWN : source).ordinal();
        boolean changed = false;
        if (eventTime > watermark[s]) {
            watermark[s] = eventTime;
            changed = true;
        }
        if (ingestTime > lastIngest[s]) {
            lastIngest[s] = ingestTime;
            changed = true;
        }
        latestIngest = Math.max(latestIngest, ingestTime);
        return changed;
    }

    /**
     * The earliest watermark of the active sources minus {@code latenessMillis}: every event at or
     * before it has arrived, unless it is later than the bound. {@link #NONE} before any record.
     */
    long eventClock(long latenessMillis, long sourceIdleMillis) {
        long earliest = NONE;
        for (int s = 0; s < SOURCES.length; s++) {
            if (watermark[s] == NONE || lastIngest[s] < latestIngest - sourceIdleMillis) {
                continue;
            }
            earliest = earliest == NONE ? watermark[s] : Math.min(earliest, watermark[s]);
        }
        return earliest == NONE ? NONE : earliest - latenessMillis;
    }

    /** The watermark of one source, {@link #NONE} if it never delivered on this partition. */
    long watermark(IngestSource source) {
        return watermark[source.ordinal()];
    }

    byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(1 + Long.BYTES + SOURCES.length * 2 * Long.BYTES);
        buffer.put((byte) VERSION).putLong(latestIngest);
        for (int s = 0; s < SOURCES.length; s++) {
            buffer.putLong(watermark[s]).putLong(lastIngest[s]);
        }
        return buffer.array();
    }

    static PartitionClock decode(byte[] bytes) {
        PartitionClock clock = new PartitionClock();
        if (bytes == null) {
            return clock;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int version = buffer.get();
        if (version != VERSION) {
            throw new IllegalStateException("partition clock written by an unknown version " + version);
        }
        clock.latestIngest = buffer.getLong();
        // sources added to the enum later than the record was written keep NONE
        for (int s = 0; s < SOURCES.length && buffer.remaining() >= 2 * Long.BYTES; s++) {
            clock.watermark[s] = buffer.getLong();
            clock.lastIngest[s] = buffer.getLong();
        }
        return clock;
    }
}
