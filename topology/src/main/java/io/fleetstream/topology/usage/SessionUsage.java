package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;

/**
 * What one session (a PDP context, emnify's {@code session_id}) of a device used, from its usage records: the totals
 * per currency ({@link UsageBucket}), the span the records cover (earliest {@code start_timestamp}, latest
 * {@code end_timestamp}) and the operator the latest record names. The span is the records' own: a session's
 * start and end events live in another subtopology, and a session that has not ended yet still has a span so far.
 *
 * <p>Stored as: a version byte, the session id (UTF), the span as two epoch millis, the operator (a presence byte,
 * its id or -1, a presence byte and its name), then the length and bytes of the {@link UsageBucket}.
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(sessionId);
            out.writeLong(firstStart);
            out.writeLong(lastEnd);
            out.writeBoolean(operatorId != null);
            out.writeLong(operatorId == null ? -1 : operatorId);
            out.writeBoolean(operatorName != null);
            out.writeUTF(operatorName == null ? "" : operatorName);
            byte[] bucket = usage.encode();
            out.writeInt(bucket.length);
            out.write(bucket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static SessionUsage decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("session usage store value of version " + version + ", this build reads "
                        + VERSION);
            }
            String sessionId = in.readUTF();
            long firstStart = in.readLong();
            long lastEnd = in.readLong();
            boolean hasOperatorId = in.readBoolean();
            long operatorId = in.readLong();
            boolean hasOperatorName = in.readBoolean();
            String operatorName = in.readUTF();
            UsageBucket usage = UsageBucket.decode(in.readNBytes(in.readInt()));
            return new SessionUsage(sessionId, firstStart, lastEnd, hasOperatorId ? operatorId : null,
                    hasOperatorName ? operatorName : null, usage);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable session usage store value", e);
        }
    }
}
