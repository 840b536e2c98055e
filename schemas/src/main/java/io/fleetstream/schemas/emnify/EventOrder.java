package io.fleetstream.schemas.emnify;

import io.fleetstream.avro.EmnifyEvent;

import java.time.Instant;
import java.util.Comparator;

/**
 * The order of emnify events: by event time, then by event id. emnify guarantees no delivery order
 * and says to order a device's events by {@code timestamp}; its timestamps often have whole seconds,
 * so two events can share an instant (a threshold and a used-up in one burst), and the id decides
 * between them. emnify's event API lists events by ascending id by default, which is taken here to
 * mean that ids grow with time; either way the order is total, so a replay in any arrival order ends
 * in the same state. The topology applies events in this order and the poller publishes each window
 * in it.
 */
public final class EventOrder {

    /** Earlier event time first; the lower id first among events of the same instant. */
    public static final Comparator<EmnifyEvent> EVENT_TIME_THEN_ID =
            Comparator.comparing(EmnifyEvent::getTimestamp).thenComparingLong(EmnifyEvent::getId);

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
