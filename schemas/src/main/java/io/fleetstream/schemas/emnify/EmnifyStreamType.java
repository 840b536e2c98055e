package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The Data Streamer's two stream types, told apart by the keys of one record: an event has {@code event_type} and
 * {@code timestamp}; a usage record has {@code traffic_type}, {@code start_timestamp}, {@code end_timestamp} and
 * {@code cost}, and none of the event's. A streamer of one type pointed at the other's path is a configuration
 * mistake, and the dead letter's reason should say so instead of naming a missing field.
 */
public enum EmnifyStreamType {
    EVENTS, USAGE;

    private static final List<String> EVENT_KEYS = List.of("event_type", "timestamp");
    private static final List<String> USAGE_KEYS = List.of("traffic_type", "start_timestamp", "end_timestamp", "cost");

    /**
     * The stream type a record unmistakably belongs to: one that has keys of exactly one type. Null when it has keys of
     * both, of neither, or is not an object: then nothing can be said, and the reader's own reason stands.
     */
    public static EmnifyStreamType of(JsonNode record) {
        if (!(record instanceof ObjectNode object)) {
            return null;
        }
        boolean event = !present(object, EVENT_KEYS).isEmpty();
        boolean usage = !present(object, USAGE_KEYS).isEmpty();
        if (event == usage) {
            return null;
        }
        return event ? EVENTS : USAGE;
    }

    /** The keys of this type that the record has, for a reason: {@code "traffic_type, end_timestamp"}. */
    public String keysIn(JsonNode record) {
        return record instanceof ObjectNode object ? String.join(", ", present(object, this == EVENTS ? EVENT_KEYS : USAGE_KEYS)) : "";
    }

    private static List<String> present(ObjectNode object, List<String> keys) {
        List<String> found = new ArrayList<>(keys.size());
        for (String key : keys) {
            if (!TolerantValues.isAbsent(object.get(key))) {
                found.add(key);
            }
        }
        return found;
    }
}
