package io.fleetstream.topology.usage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One operator's usage in one UTC day on one task: the operator's name as the latest record gave it (null when none
 * did) and the totals per currency. The partial sums of one partition: the query API adds up every partition's.
 *
 * <p>Stored as: a version byte, a presence byte and the name (UTF), then the length and bytes of the
 * {@link UsageBucket}.
 */
public record OperatorDay(String operatorName, UsageBucket usage) {

    private static final byte VERSION = 1;

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
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

    public static OperatorDay decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("operator usage store value of version " + version + ", this build reads "
                        + VERSION);
            }
            boolean named = in.readBoolean();
            String name = in.readUTF();
            return new OperatorDay(named ? name : null, UsageBucket.decode(in.readNBytes(in.readInt())));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable operator usage store value", e);
        }
    }
}
