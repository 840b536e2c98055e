package io.fleetstream.ingest.publish;

import org.apache.avro.specific.SpecificRecord;

import java.util.Arrays;
import java.util.Objects;

/**
 * A normalised record (an event, a usage record) with its kind, the Kafka key it is published under, and how it
 * arrived: the ingest stage that received it and the exact bytes it was sent as, so that a record Kafka refuses (too
 * large) reaches the dead-letter topic like one the reader rejected.
 */
public record KeyedRecord<T extends SpecificRecord>(RecordKind<T> kind, String key, T record, String stage,
                                                    byte[] original) {

    public KeyedRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(original, "original");
    }

    /** The record keyed the standard way of its kind: endpoint id, else {@code org-<organisation id>}. */
    public static <T extends SpecificRecord> KeyedRecord<T> of(RecordKind<T> kind, T record, String stage,
                                                               byte[] original) {
        return new KeyedRecord<>(kind, kind.key().apply(record), record, stage, original);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyedRecord<?> that && kind.equals(that.kind) && key.equals(that.key)
                && record.equals(that.record) && stage.equals(that.stage) && Arrays.equals(original, that.original);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, key, record, stage) * 31 + Arrays.hashCode(original);
    }

    /** Key and id only: an event's detail may carry activation tokens that must not reach a log. */
    @Override
    public String toString() {
        return "KeyedRecord[" + kind.noun() + " key=" + key + ", id=" + kind.id().applyAsLong(record) + ", "
                + original.length + " bytes]";
    }
}
