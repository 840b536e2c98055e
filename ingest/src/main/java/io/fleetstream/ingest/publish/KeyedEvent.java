package io.fleetstream.ingest.publish;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.emnify.EventKeys;

import java.util.Objects;

/** An event with the Kafka key it is published under. */
public record KeyedEvent(String key, EmnifyEvent event) {

    public KeyedEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
    }

    /** The event keyed the standard way: endpoint id, else {@code org-<organisation id>}. */
    public static KeyedEvent of(EmnifyEvent event) {
        return new KeyedEvent(EventKeys.keyOf(event), event);
    }

    /** Key and id only: an event's detail may carry activation tokens that must not reach a log. */
    @Override
    public String toString() {
        return "KeyedEvent[key=" + key + ", id=" + event.getId() + "]";
    }
}
