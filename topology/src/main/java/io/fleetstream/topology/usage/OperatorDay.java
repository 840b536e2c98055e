package io.fleetstream.topology.usage;

import io.fleetstream.topology.storevalue.StoreValue;

/**
 * One operator's usage in one UTC day on one task: the operator's name as the latest record gave it (null when none
 * did) and the totals per currency. The partial sums of one partition: the query API adds up every partition's.
 *
 * <p>Stored as a {@link StoreValue}: the name (optional), then the {@link UsageBucket} (nested).
 */
public record OperatorDay(String operatorName, UsageBucket usage) {

    private static final byte VERSION = 1;

    public byte[] encode() {
        return StoreValue.write(VERSION, out -> {
            out.writeOptionalUtf(operatorName);
            out.writeNested(usage.encode());
        });
    }

    public static OperatorDay decode(byte[] value) {
        return StoreValue.read(value, VERSION, "operator usage store value",
                in -> new OperatorDay(in.readOptionalUtf(), UsageBucket.decode(in.readNested())));
    }
}
