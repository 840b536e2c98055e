package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.topology.storevalue.StoreValue;

import java.time.Instant;
import java.util.Objects;

/**
 * What one session (a PDP context, emnify's {@code session_id}) of a device used, from its usage records: the totals
 * per currency ({@link UsageBucket}), the span the records cover (earliest {@code start_timestamp}, latest
 * {@code end_timestamp}) and the operator the latest record names. The span is the records' own: a session's
 * start and end events live in another subtopology, and a session that has not ended yet still has a span so far.
 *
 * <p>Stored as a {@link StoreValue}: the session id (UTF), the span as two epoch millis, the operator's id and name
 * (each optional), then the {@link UsageBucket} (nested).
 */
public final class SessionUsage {

    private static final byte VERSION = 1;

    private final String sessionId;
    private long firstStart;
    private long lastEnd;
    private Long operatorId;
    private String operatorName;
    private final UsageBucket usage;

    private SessionUsage(String sessionId, long firstStart, long lastEnd, Long operatorId, String operatorName,
                         UsageBucket usage) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.firstStart = firstStart;
        this.lastEnd = lastEnd;
        this.operatorId = operatorId;
        this.operatorName = operatorName;
        this.usage = usage;
    }

    /** A session of which nothing is counted yet; its span is set by the first record {@link #add}ed. */
    public static SessionUsage empty(String sessionId) {
        return new SessionUsage(sessionId, Long.MAX_VALUE, Long.MIN_VALUE, null, null, new UsageBucket());
    }

    /**
     * Counts one usage record of this session. A record without a {@code start_timestamp} spans its end only. The
     * operator is the one of the latest record that names one: the session's operator as of its last usage.
     */
    public SessionUsage add(UsageRecord record, UsageTotals totals) {
        long end = record.getEndTimestamp().toEpochMilli();
        long start = record.getStartTimestamp() == null ? end : Math.min(end, record.getStartTimestamp().toEpochMilli());
        UsageOperator operator = record.getOperator();
        if (operator != null && (operator.getId() != null || operator.getName() != null) && end >= lastEnd) {
            operatorId = operator.getId();
            operatorName = operator.getName();
        }
        firstStart = Math.min(firstStart, start);
        lastEnd = Math.max(lastEnd, end);
        usage.add(totals);
        return this;
    }

    public String sessionId() {
        return sessionId;
    }

    public Instant firstStart() {
        return Instant.ofEpochMilli(firstStart);
    }

    public Instant lastEnd() {
        return Instant.ofEpochMilli(lastEnd);
    }

    /** The emnify operator id, null when no record named one. */
    public Long operatorId() {
        return operatorId;
    }

    public String operatorName() {
        return operatorName;
    }

    public UsageBucket usage() {
        return usage;
    }

    /** Whether the records' span meets {@code [from, until)}. */
    public boolean overlaps(long from, long until) {
        return firstStart < until && lastEnd >= from;
    }

    public byte[] encode() {
        return StoreValue.write(VERSION, out -> {
            out.writeUTF(sessionId);
            out.writeLong(firstStart);
            out.writeLong(lastEnd);
            out.writeOptionalLong(operatorId);
            out.writeOptionalUtf(operatorName);
            out.writeNested(usage.encode());
        });
    }

    public static SessionUsage decode(byte[] value) {
        return StoreValue.read(value, VERSION, "session usage store value", in -> new SessionUsage(in.readUTF(),
                in.readLong(), in.readLong(), in.readOptionalLong(), in.readOptionalUtf(),
                UsageBucket.decode(in.readNested())));
    }
}
