package io.fleetstream.schemas.emnify;

import io.fleetstream.avro.EmnifyEvent;

import java.util.Objects;

/** What became of one element of a batch: a normalised event, or the reason it could not be normalised. */
public sealed interface ReadResult {

    /** The element, normalised. */
    record Accepted(EmnifyEvent event) implements ReadResult {
        public Accepted {
            Objects.requireNonNull(event, "event");
        }

        /** Identity only: an event's detail may carry activation tokens that must not reach a log. */
        @Override
        public String toString() {
            return "Accepted[id=" + event.getId() + ", type=" + event.getEventType().getId() + "]";
        }
    }

    /** The element could not be normalised; {@code reason} names the field and the bad value. */
    record Rejected(String reason) implements ReadResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
