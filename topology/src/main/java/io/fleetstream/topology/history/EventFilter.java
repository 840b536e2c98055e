package io.fleetstream.topology.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Which events of a history to return, in the terms of emnify's event API: a time range (both ends
 * inclusive, either may be open) and any of event type, source and severity ids (an event matches a
 * set when its id is in it; an empty set does not filter) and the alert flag (null does not filter).
 */
public record EventFilter(Instant from, Instant until, Set<Integer> types, Set<Integer> sources,
                          Set<Integer> severities, Boolean alert) {

    public EventFilter {
        types = Set.copyOf(Objects.requireNonNull(types, "types"));
        sources = Set.copyOf(Objects.requireNonNull(sources, "sources"));
        severities = Set.copyOf(Objects.requireNonNull(severities, "severities"));
        if (from != null && until != null && from.isAfter(until)) {
            throw new IllegalArgumentException("from " + from + " is after until " + until);
        }
    }

    public static EventFilter everything() {
        return new EventFilter(null, null, Set.of(), Set.of(), Set.of(), null);
    }

    long fromMillis() {
        return from == null ? Long.MIN_VALUE : from.toEpochMilli();
    }

    long untilMillis() {
        return until == null ? Long.MAX_VALUE : until.toEpochMilli();
    }

    /** Whether a stored entry passes the non-time filters, read from its header alone. */
    boolean matches(byte[] entryValue) {
        return (types.isEmpty() || types.contains(HistoryEntry.typeId(entryValue)))
                && (sources.isEmpty() || sources.contains(HistoryEntry.sourceId(entryValue)))
                && (severities.isEmpty() || severities.contains(HistoryEntry.severityId(entryValue)))
                && (alert == null || alert == HistoryEntry.alert(entryValue));
    }
}
