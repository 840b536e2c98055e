package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.emnify.EventKeys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Cuts the events that became due into Data Streamer batches: at most {@code batchSize} events each,
 * never an event twice in one batch (a re-send travels in a later batch than its original), and within
 * a batch a light shuffle across devices, because emnify guarantees no order, while each device's own
 * events keep their order.
 */
final class BatchPlanner {

    /** How far (in positions) the shuffle may move an event ahead of others. */
    private static final double SHUFFLE_REACH = 8.0;

    private final int batchSize;
    private final SplittableRandom random;

    BatchPlanner(int batchSize, SplittableRandom random) {
        this.batchSize = batchSize;
        this.random = random;
    }

    List<List<ObjectNode>> plan(List<ObjectNode> due) {
        List<List<ObjectNode>> batches = new ArrayList<>();
        List<ObjectNode> pending = due;
        while (!pending.isEmpty()) {
            List<ObjectNode> batch = new ArrayList<>(Math.min(batchSize, pending.size()));
            List<ObjectNode> later = new ArrayList<>();
            Set<Long> ids = new HashSet<>();
            // once one of a device's events waits for a later batch, all its following events wait too
            Set<String> waiting = new HashSet<>();
            for (ObjectNode event : pending) {
                String device = deviceKey(event);
                if (batch.size() < batchSize && !waiting.contains(device) && ids.add(event.get("id").asLong())) {
                    batch.add(event);
                } else {
                    later.add(event);
                    waiting.add(device);
                }
            }
            batches.add(shuffleAcrossDevices(batch));
            pending = later;
        }
        return batches;
    }

    /**
     * Moves each event by a few positions at random, then gives every device its slots back in its own
     * order: devices interleave differently, but no device's events are reordered.
     */
    private List<ObjectNode> shuffleAcrossDevices(List<ObjectNode> batch) {
        record Slot(double key, ObjectNode event) {
        }
        List<Slot> slots = new ArrayList<>(batch.size());
        Map<String, ArrayDeque<ObjectNode>> byDevice = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            ObjectNode event = batch.get(i);
            slots.add(new Slot(i + random.nextDouble() * SHUFFLE_REACH, event));
            byDevice.computeIfAbsent(deviceKey(event), key -> new ArrayDeque<>()).add(event);
        }
        slots.sort(Comparator.comparingDouble(Slot::key));
        List<ObjectNode> shuffled = new ArrayList<>(batch.size());
        for (Slot slot : slots) {
            shuffled.add(byDevice.get(deviceKey(slot.event())).remove());
        }
        return shuffled;
    }

    /** The key fleetstream gives the event: its endpoint id, or {@code org-<id>} for organisation events. */
    static String deviceKey(ObjectNode event) {
        JsonNode endpoint = event.get("endpoint");
        if (endpoint != null && endpoint.hasNonNull("id")) {
            return EventKeys.ofEndpoint(endpoint.get("id").asLong());
        }
        return EventKeys.ofOrganisation(event.path("organisation").path("id").asLong());
    }
}
