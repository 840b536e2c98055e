package io.fleetstream.ingest.poller;

import io.fleetstream.schemas.emnify.RawEvent;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One page of {@code GET /api/v1/event}: its events with their exact bytes, and the paging headers.
 *
 * @param events     in the order listed
 * @param page       the page requested
 * @param totalPages {@code X-Total-Pages}, when sent
 */
public record EventPage(List<RawEvent> events, int page, OptionalInt totalPages) {

    public EventPage {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        Objects.requireNonNull(totalPages, "totalPages");
    }

    /**
     * Whether no page follows this one. emnify answers a page past the end with the last page again, so only
     * {@code X-Total-Pages} tells the end; without it, a short or empty page is the last.
     */
    public boolean isLast(int perPage) {
        if (totalPages.isPresent()) {
            return page >= totalPages.getAsInt();
        }
        return events.size() < perPage;
    }

    @Override
    public String toString() {
        return "EventPage[page=" + page + " of " + (totalPages.isPresent() ? totalPages.getAsInt() : "?")
                + ", events=" + events.size() + "]";
    }
}
