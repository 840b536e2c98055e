package io.fleetstream.topology.history;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a history is sorted, with emnify's {@code sort} spelling ({@code -} for descending). Ties on
 * time are broken by event id, ties on id cannot happen (ids are unique).
 */
public enum HistoryOrder {
    NEWEST_FIRST("-timestamp"),
    OLDEST_FIRST("timestamp"),
    ID_DESCENDING("-id"),
    ID_ASCENDING("id");

    private final String parameter;

    HistoryOrder(String parameter) {
        this.parameter = parameter;
    }

    /** The value of emnify's {@code sort} parameter that asks for this order. */
    public String parameter() {
        return parameter;
    }

    public static Optional<HistoryOrder> ofParameter(String value) {
        return Arrays.stream(values()).filter(o -> o.parameter.equals(value)).findFirst();
    }

    /** Negative when the event at (timeA, idA) comes before the one at (timeB, idB) in this order. */
    public int compare(long timeA, long idA, long timeB, long idB) {
        return switch (this) {
            case NEWEST_FIRST -> timeA != timeB ? Long.compare(timeB, timeA) : Long.compare(idB, idA);
            case OLDEST_FIRST -> timeA != timeB ? Long.compare(timeA, timeB) : Long.compare(idA, idB);
            case ID_DESCENDING -> Long.compare(idB, idA);
            case ID_ASCENDING -> Long.compare(idA, idB);
        };
    }

    boolean byTime() {
        return this == NEWEST_FIRST || this == OLDEST_FIRST;
    }
}
