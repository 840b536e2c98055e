package io.fleetstream.ingest.poller;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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

    /** Whether {@link #split} can make this window shorter: it must span at least three seconds. */
    public boolean splittable() {
        return Duration.between(from, until).getSeconds() >= 3;
    }

    /**
     * This window cut into about {@code parts} shorter ones, in time order, that together cover it. Each but the
     * last reaches one second past the start of the next: emnify does not say whether {@code from} and
     * {@code until} are inclusive, and with that second no event at a boundary falls between two windows,
     * whichever they are. An event inside it is listed by both; the caller publishes it once, with the earlier
     * window, and every event the later window adds is then later than all of the earlier one's.
     *
     * @throws IllegalStateException when the window is not {@link #splittable()}
     */
    public List<PollWindow> split(int parts) {
        long seconds = Duration.between(from, until).getSeconds();
        if (seconds < 3) {
            throw new IllegalStateException("a window of " + seconds + " s cannot be split: " + this);
        }
        // at least two parts, and no part as long as the whole window
        int count = (int) Math.max(2, Math.min(parts, seconds - 1));
        List<PollWindow> windows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instant start = from.plusSeconds(seconds * i / count);
            Instant end = i == count - 1 ? until : from.plusSeconds(seconds * (i + 1) / count + 1);
            windows.add(new PollWindow(start, end));
        }
        return windows;
    }

    @Override
    public String toString() {
        return "[" + from + " .. " + until + "]";
    }
}
