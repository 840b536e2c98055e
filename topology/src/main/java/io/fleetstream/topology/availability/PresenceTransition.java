package io.fleetstream.topology.availability;

import java.util.Objects;

/**
 * One change of a device's debounced presence, as the device-state processor emitted it on the presence topic.
 *
 * @param atMillis event time of the change (for a PDP timeout, the end of the offline window)
 * @param online   true when the device went online, false when it went offline
 * @param reason   why, as the presence topic names it (PDP_CREATED, PDP_TIMEOUT, PURGED, PLATFORM, UNKNOWN)
 * @param eventId  the event that caused it; null when the change did not name one
 */
public record PresenceTransition(long atMillis, boolean online, String reason, Long eventId) {

    public PresenceTransition {
        Objects.requireNonNull(reason, "reason");
    }
}
