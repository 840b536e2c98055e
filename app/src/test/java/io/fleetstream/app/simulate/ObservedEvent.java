package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A generated event as a test reads it: tolerant of every format drift, independent of the
 * generator's own code.
 */
record ObservedEvent(ObjectNode json, long id, String device, int type, int source, Instant time) {

    static ObservedEvent of(ObjectNode json) {
        JsonNode endpoint = json.get("endpoint");
        String device = endpoint != null && endpoint.hasNonNull("id")
                ? endpoint.get("id").asText()
                : "org-" + json.get("organisation").get("id").asText();
        return new ObservedEvent(json, json.get("id").asLong(), device, json.get("event_type").get("id").asInt(),
                json.get("event_source").get("id").asInt(), time(json.get("timestamp").asText()));
    }

    /** Every event, with re-sent duplicates left out (the first occurrence of each id counts). */
    static List<ObservedEvent> firstOccurrences(List<ObjectNode> events) {
        Set<Long> seen = new HashSet<>();
        List<ObservedEvent> observed = new ArrayList<>();
        for (ObjectNode event : events) {
            if (seen.add(event.get("id").asLong())) {
                observed.add(of(event));
            }
        }
        return observed;
    }

    static Map<String, List<ObservedEvent>> byDevice(List<ObservedEvent> events) {
        Map<String, List<ObservedEvent>> byDevice = new LinkedHashMap<>();
        for (ObservedEvent event : events) {
            byDevice.computeIfAbsent(event.device(), key -> new ArrayList<>()).add(event);
        }
        return byDevice;
    }

    /** The timestamp forms emnify uses (see emnify-events.md). */
    static Instant time(String timestamp) {
        if (timestamp.length() == 19 && timestamp.charAt(10) == ' ') {
            return LocalDateTime.parse(timestamp.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        }
        if (timestamp.endsWith("+0000")) {
            return Instant.parse(timestamp.substring(0, timestamp.length() - 5) + "Z");
        }
        return Instant.parse(timestamp);
    }

    /** A number that may have been written as a string. */
    static BigDecimal decimal(JsonNode node) {
        return node.isTextual() ? new BigDecimal(node.asText()) : node.decimalValue();
    }

    boolean acceptedCreate() {
        return type == 3 && source == 0;
    }

    boolean rejectedCreate() {
        return type == 3 && source == 1;
    }

    String sessionId() {
        return json.path("detail").path("session_id").asText(null);
    }

    boolean alert() {
        JsonNode alert = json.get("alert");
        return alert.isBoolean() ? alert.asBoolean() : alert.asInt() == 1;
    }
}
