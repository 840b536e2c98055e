package io.fleetstream.topology.history;

import io.fleetstream.avro.EmnifyEvent;

/** An event read from history, with the time and id it is ordered by. */
public record StoredEvent(long timeMillis, long eventId, EmnifyEvent event) {
}
