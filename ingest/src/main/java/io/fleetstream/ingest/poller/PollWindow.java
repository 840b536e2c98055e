package io.fleetstream.ingest.poller;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One time range of events to fetch, {@code from} and {@code until} as emnify's event query takes them
 * ({@code q=from:2024-01-01T00:00:00Z,until:2024-01-01T01:00:00Z}). Both are whole seconds.
 */
public record PollWindow(Instant from, Instant until) {

    public PollWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (!from.isBefore(until)) {
            throw new IllegalArgumentException("a window must end after it starts: from " + from + ", until " + until);
        }
    }

    /** The value of the {@code q} parameter. */
    public String query() {
        return "from:" + DateTimeFormatter.ISO_INSTANT.format(from) + ",until:" + DateTimeFormatter.ISO_INSTANT.format(until);
    }

    @Override
    public String toString() {
        return "[" + from + " .. " + until + "]";
    }
}
