package io.fleetstream.schemas.emnify;

import io.fleetstream.avro.UsageRecord;

import java.util.Objects;

/** What became of one element of a usage batch: a normalised usage record, or the reason it could not be normalised. */
public sealed interface UsageReadResult {

    /** The element, normalised. */
    record Accepted(UsageRecord usage) implements UsageReadResult {
        public Accepted {
            Objects.requireNonNull(usage, "usage");
        }

        /** Identity only, like the event's. */
        @Override
        public String toString() {
            return "Accepted[id=" + usage.getId() + ", traffic_type=" + usage.getTrafficType().getId() + "]";
        }
    }

    /** The element could not be normalised; {@code reason} names the field and the bad value. */
    record Rejected(String reason) implements UsageReadResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
