package io.fleetstream.topology;

import io.fleetstream.avro.EmnifyEvent;

import java.time.Instant;

/**
 * The order in which a device's and a quota's events are applied: by event time, then by event id.
 * emnify's timestamps often have whole seconds, so two events of one device or quota can share an
 * instant (a threshold and a used-up in one burst, a delete and a create). The id decides between them: emnify's event API lists events by ascending
 * id by default, which is taken here to mean that ids grow with time. Either way the order is total,
 * so a replay in any arrival order ends in the same state.
 */
public final class EventOrder {

    private EventOrder() {
    }

    /**
     * Whether the event comes after the last one applied ({@code lastAt}, {@code lastId}; both null
     * when none was). The same id again is a repeat, never later, whatever its timestamp says.
     */
    public static boolean follows(Instant lastAt, Long lastId, EmnifyEvent event) {
        if (lastAt == null || lastId == null) {
            return true;
        }
        if (lastId == event.getId()) {
            return false;
        }
        int byTime = event.getTimestamp().compareTo(lastAt);
        return byTime > 0 || (byTime == 0 && event.getId() > lastId);
    }
}
