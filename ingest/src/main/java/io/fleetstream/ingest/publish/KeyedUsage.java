package io.fleetstream.ingest.publish;

import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.emnify.EventKeys;

import java.util.Arrays;
import java.util.Objects;

/**
 * A usage record with the Kafka key it is published under (the endpoint's, like its events), the ingest stage that
 * received it and the exact bytes it was sent as, so that one Kafka refuses (too large) reaches the dead-letter topic.
 */
public record KeyedUsage(String key, UsageRecord usage, String stage, byte[] original) {

    public KeyedUsage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(original, "original");
    }

    /** The record keyed the standard way: endpoint id, else {@code org-<organisation id>}. */
    public static KeyedUsage of(UsageRecord usage, String stage, byte[] original) {
        return new KeyedUsage(EventKeys.keyOf(usage), usage, stage, original);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyedUsage that && key.equals(that.key) && usage.equals(that.usage)
                && stage.equals(that.stage) && Arrays.equals(original, that.original);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, usage, stage) * 31 + Arrays.hashCode(original);
    }

    @Override
    public String toString() {
        return "KeyedUsage[key=" + key + ", id=" + usage.getId() + ", " + original.length + " bytes]";
    }
}
