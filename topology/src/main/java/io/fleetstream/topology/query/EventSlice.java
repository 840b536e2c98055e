package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fleetstream.topology.history.HistoryOrder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Some of a history's events in emnify's JSON shape, with the total number matching: one page of a
 * device's history, or one part of an organisation's history gathered from some partitions.
 */
public record EventSlice(long total, List<Listed> events) {

    /** An event with the time and id it is ordered by, and its JSON text. */
    public record Listed(long timeMillis, long id, String json) {
    }

    public EventSlice {
        events = List.copyOf(events);
    }

    /**
     * The first {@code n} events of several parts in {@code order}, and their summed total. Each
     * part holds the first {@code n} of its partitions, so the first {@code n} of their union are
     * the first of all.
     */
    public static EventSlice merge(List<EventSlice> parts, HistoryOrder order, long n) {
        List<Listed> all = new ArrayList<>();
        long total = 0;
        for (EventSlice part : parts) {
            all.addAll(part.events());
            total += part.total();
        }
        all.sort((a, b) -> order.compare(a.timeMillis(), a.id(), b.timeMillis(), b.id()));
        return new EventSlice(total, all.size() > n ? all.subList(0, (int) n) : all);
    }

    /** Positions [offset, offset + limit). */
    public EventSlice slice(long offset, int limit) {
        if (offset >= events.size()) {
            return new EventSlice(total, List.of());
        }
        return new EventSlice(total, events.subList((int) offset, (int) Math.min(events.size(), offset + limit)));
    }

    public ArrayNode toJson() {
        return JsonItems.array(events.stream().map(Listed::json).toList());
    }

    /** Reads another instance's part: the JSON array of events and its X-Total-Count. */
    public static EventSlice fromJson(byte[] array, long total) {
        List<Listed> events = new ArrayList<>();
        for (JsonItems.Item item : JsonItems.of(array, null)) {
            JsonNode event = item.parsed();
            events.add(new Listed(Instant.parse(event.path("timestamp").asText()).toEpochMilli(),
                    event.path("id").asLong(), item.text()));
        }
        return new EventSlice(total, events);
    }
}
