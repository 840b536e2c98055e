package io.fleetstream.topology.device;

import io.fleetstream.avro.IngestSource;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The event-time clock of one partition of the device processor, with a watermark per ingest source.
 *
 * <p><b>Arrival.</b> Every record carries the time ingest received it. The partition's arrival clock is the
 * latest such time seen on it, so it never goes back and a replay of the same records computes the same clock.
 *
 * <p><b>Watermark of a source.</b> For each source (the Data Streamer webhook, the REST poller, the simulator,
 * anything else) the clock remembers how far in event time the source had delivered at each arrival. A source's
 * watermark is the latest event time it had delivered by {@code lateness} of arrival time ago: every event of
 * the source at or before the watermark has arrived, unless it came more than the lateness after an event of
 * the same source that happened later. In live traffic that bound is about the same in event time; in a
 * catch-up, where a Data Streamer delivers hours of buffered events in seconds, it covers hours of event time,
 * so however a catch-up is batched and reordered, nothing in it is late.
 *
 * <p><b>The partition's clock</b> is the earliest watermark of the sources active on it: those whose latest
 * record arrived no more than {@code sourceIdle} before the partition's latest record. A backfill and a live
 * stream on one partition hold each other back instead of one firing the other's timers; a source that stopped
 * delivering stops holding the partition back.
 *
 * <p>Plain Java, no Kafka types; {@link #encode()} and {@link #decode(byte[])} persist it in the processor's
 * store. Progress is kept in one-second steps of arrival, so a source keeps at most lateness / 1 s of them.
 */
final class PartitionClock {

    static final long NONE = Long.MIN_VALUE;
    private static final IngestSource[] SOURCES = IngestSource.values();
    private static final long STEP_MS = 1_000;
    private static final int VERSION = 2;

    /** One source on this partition. */
    private static final class Source {
        /** the latest event time it delivered */
        long latestEvent = NONE;
        /** the latest ingest time of its records */
        long latestIngest = NONE;
        /** its watermark: the latest event time it had delivered a lateness of arrival ago */
        long watermark = NONE;
        /** (arrival, latest event time delivered by then), one per step of arrival, not yet in the watermark */
        final ArrayDeque<long[]> progress = new ArrayDeque<>();

        boolean seen() {
            return latestIngest != NONE;
        }
    }

    private final long latenessMillis;
    private final Source[] sources = new Source[SOURCES.length];
    private long arrival = NONE;

    PartitionClock(long latenessMillis) {
        if (latenessMillis < 0) {
            throw new IllegalArgumentException("lateness must not be negative, got " + latenessMillis + " ms");
        }
        this.latenessMillis = latenessMillis;
        for (int s = 0; s < sources.length; s++) {
            sources[s] = new Source();
        }
    }

    /** Takes note of one record of the partition. */
    void observe(IngestSource source, long eventTime, long ingestTime) {
        arrival = Math.max(arrival, ingestTime);
        Source s = sources[(source == null ? IngestSource.UNKNOWN : source).ordinal()];
        s.latestEvent = Math.max(s.latestEvent, eventTime);
        s.latestIngest = Math.max(s.latestIngest, ingestTime);
        long[] last = s.progress.peekLast();
        if (last != null && last[0] / STEP_MS == arrival / STEP_MS) {
            last[0] = arrival;
            last[1] = s.latestEvent;
        } else {
            s.progress.addLast(new long[] {arrival, s.latestEvent});
        }
        long settled = arrival - latenessMillis;
        for (Source each : sources) {
            while (!each.progress.isEmpty() && each.progress.peekFirst()[0] <= settled) {
                each.watermark = Math.max(each.watermark, each.progress.pollFirst()[1]);
            }
        }
    }

    /**
     * Takes every source's progress into its watermark, as if a lateness of arrival had passed with nothing more
     * arriving: what the processor does once its partition has received no record for that long. Returns whether
     * a watermark moved.
     */
    boolean settleAll() {
        boolean moved = false;
        for (Source s : sources) {
            if (s.latestEvent > s.watermark) {
                s.watermark = s.latestEvent;
                moved = true;
            }
            s.progress.clear();
        }
        return moved;
    }

    /**
     * The earliest watermark of the active sources: every event at or before it has arrived, unless it is later
     * than the bound. {@link #NONE} before any source has a watermark, or while an active source has none yet.
     */
    long eventClock(long sourceIdleMillis) {
        long earliest = Long.MAX_VALUE;
        boolean any = false;
        for (Source s : sources) {
            if (!s.seen() || s.latestIngest < arrival - sourceIdleMillis) {
                continue;
            }
            any = true;
            earliest = Math.min(earliest, s.watermark);
        }
        return any ? earliest : NONE;
    }

    byte[] encode() {
        int size = 1 + Long.BYTES + 1;
        for (Source s : sources) {
            size += 3 * Long.BYTES + Integer.BYTES + s.progress.size() * 2 * Long.BYTES;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put((byte) VERSION).putLong(arrival).put((byte) sources.length);
        for (Source s : sources) {
            buffer.putLong(s.latestEvent).putLong(s.latestIngest).putLong(s.watermark).putInt(s.progress.size());
            for (long[] step : s.progress) {
                buffer.putLong(step[0]).putLong(step[1]);
            }
        }
        return buffer.array();
    }

    static PartitionClock decode(byte[] bytes, long latenessMillis) {
        PartitionClock clock = new PartitionClock(latenessMillis);
        if (bytes == null) {
            return clock;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int version = buffer.get();
        if (version != VERSION) {
            // an earlier format: start the watermarks afresh; they rebuild from the next records
            return clock;
        }
        clock.arrival = buffer.getLong();
        int count = buffer.get();
        // sources added to the enum later than the record was written start unseen
        for (int i = 0; i < count; i++) {
            Source s = i < clock.sources.length ? clock.sources[i] : new Source();
            s.latestEvent = buffer.getLong();
            s.latestIngest = buffer.getLong();
            s.watermark = buffer.getLong();
            int steps = buffer.getInt();
            for (int j = 0; j < steps; j++) {
                s.progress.addLast(new long[] {buffer.getLong(), buffer.getLong()});
            }
        }
        return clock;
    }
}
