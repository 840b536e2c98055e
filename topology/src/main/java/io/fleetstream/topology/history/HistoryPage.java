package io.fleetstream.topology.history;

import java.util.List;

/**
 * A slice of one scope's filtered history.
 *
 * @param total  how many stored events match the filter (all of them, not only this slice)
 * @param events the slice, in the requested order
 */
public record HistoryPage(long total, List<StoredEvent> events) {

    public HistoryPage {
        events = List.copyOf(events);
    }
}
