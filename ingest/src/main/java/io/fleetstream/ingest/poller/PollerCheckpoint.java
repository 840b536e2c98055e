package io.fleetstream.ingest.poller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How far a poller got: the end of the last window whose events Kafka acknowledged, and the ids of the events it
 * published at that window's edge (inside the overlap the next window fetches again), so a restarted poller neither
 * leaves a gap nor publishes them twice.
 *
 * <p>Stored as JSON ({@code {"version": 1, "window_end": "…", "edge_ids": […]}}) under the poller id in the
 * compacted checkpoint topic.
 */
public record PollerCheckpoint(Instant windowEnd, Set<Long> edgeIds) {

    /**
     * Most edge ids kept. Beyond this (a very busy organisation with a long overlap) none are kept: the next window
     * then publishes its overlap again, which the topology's dedupe removes, and the record stays far below Kafka's
     * 1 MB default message size.
     */
    public static final int MAX_EDGE_IDS = 20_000;

    private static final int VERSION = 1;

    public PollerCheckpoint {
        Objects.requireNonNull(windowEnd, "windowEnd");
        edgeIds = edgeIds.size() > MAX_EDGE_IDS ? Set.of() : Set.copyOf(edgeIds);
    }

    /** A position with nothing published yet: where a new poller starts. */
    public static PollerCheckpoint at(Instant windowEnd) {
        return new PollerCheckpoint(windowEnd, Set.of());
    }

    public static PollerCheckpoint of(Instant windowEnd, Collection<Long> edgeIds) {
        return new PollerCheckpoint(windowEnd, new HashSet<>(edgeIds));
    }

    public byte[] toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("version", VERSION);
        json.put("window_end", windowEnd.toString());
        ArrayNode ids = json.putArray("edge_ids");
        edgeIds.stream().sorted().forEach(ids::add);
        try {
            return Json.mapper().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a checkpoint as JSON", e);
        }
    }

    /**
     * Reads a stored checkpoint.
     *
     * @throws IllegalArgumentException naming what is wrong, when the bytes are not a checkpoint this version reads
     */
    public static PollerCheckpoint fromJson(byte[] bytes) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint cannot be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("checkpoint is not a JSON object");
        }
        int version = json.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException("checkpoint has version " + json.path("version")
                    + "; this fleetstream reads version " + VERSION);
        }
        Instant windowEnd;
        try {
            windowEnd = Instant.parse(json.path("window_end").asText(""));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("checkpoint window_end " + json.path("window_end") + " is not an ISO-8601 instant");
        }
        Set<Long> ids = new HashSet<>();
        for (JsonNode id : json.path("edge_ids")) {
            if (!id.canConvertToLong() || !id.isIntegralNumber()) {
                throw new IllegalArgumentException("checkpoint edge_ids holds " + id + ", not an event id");
            }
            ids.add(id.longValue());
        }
        return new PollerCheckpoint(windowEnd, ids);
    }

    /** The window end and how many edge ids: the ids themselves are noise in a log. */
    @Override
    public String toString() {
        return "PollerCheckpoint[windowEnd=" + windowEnd + ", edgeIds=" + edgeIds.size() + "]";
    }
}
