package io.fleetstream.schemas.emnify;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.util.Objects;

/**
 * What became of one element of a batch: the record it was normalised into (an {@code EmnifyEvent}, a
 * {@code UsageRecord}), or the reason it could not be normalised. One type for every {@link RecordReader}, so what
 * follows a reader (keying, dead-lettering) is written once.
 */
public sealed interface ReadResult<T extends SpecificRecord> {

    /** The element, normalised. */
    record Accepted<T extends SpecificRecord>(T record) implements ReadResult<T> {
        public Accepted {
            Objects.requireNonNull(record, "record");
        }

        /** Identity only: an event's detail may carry activation tokens that must not reach a log. */
        @Override
        public String toString() {
            Object id = record instanceof GenericRecord generic && generic.getSchema().getField("id") != null
                    ? generic.get("id") : "?";
            return "Accepted[" + record.getSchema().getName() + " id=" + id + "]";
        }
    }

    /** The element could not be normalised; {@code reason} names the field and the bad value. */
    record Rejected<T extends SpecificRecord>(String reason) implements ReadResult<T> {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
