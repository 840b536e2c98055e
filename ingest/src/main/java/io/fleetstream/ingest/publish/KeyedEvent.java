package io.fleetstream.ingest.publish;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.emnify.EventKeys;

import java.util.Arrays;
import java.util.Objects;

/**
 * An event with the Kafka key it is published under, and how it arrived: the ingest stage that received it and
 * the exact bytes it was sent as, so that an event Kafka refuses (too large) reaches the dead-letter topic like an
 * event the reader rejected.
 */
public record KeyedEvent(String key, EmnifyEvent event, String stage, byte[] original) {

    public KeyedEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(original, "original");
    }

    /** The event keyed the standard way: endpoint id, else {@code org-<organisation id>}. */
    public static KeyedEvent of(EmnifyEvent event, String stage, byte[] original) {
        return new KeyedEvent(EventKeys.keyOf(event), event, stage, original);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyedEvent that && key.equals(that.key) && event.equals(that.event)
                && stage.equals(that.stage) && Arrays.equals(original, that.original);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, event, stage) * 31 + Arrays.hashCode(original);
    }

    /** Key and id only: an event's detail may carry activation tokens that must not reach a log. */
    @Override
    public String toString() {
        return "KeyedEvent[key=" + key + ", id=" + event.getId() + ", " + original.length + " bytes]";
    }
}
