package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A page of the device listing, or one part of it gathered from some partitions.
 *
 * @param devices the devices in key order, each with its store key
 * @param more    whether devices after the last one match too
 */
public record DevicePage(List<Listed> devices, boolean more) {

    /** A listed device: its store key (the order of the listing) and its state as JSON text. */
    public record Listed(String key, String json) {
    }

    public DevicePage {
        devices = List.copyOf(devices);
    }

    /**
     * The first {@code limit} devices of several parts. Each part holds its partitions' first
     * {@code limit} matches after the cursor, so the smallest keys of their union are the smallest
     * of all partitions.
     */
    public static DevicePage merge(List<DevicePage> parts, int limit) {
        List<Listed> all = new ArrayList<>();
        boolean more = false;
        for (DevicePage part : parts) {
            all.addAll(part.devices());
            more |= part.more();
        }
        all.sort(Comparator.comparing(Listed::key));
        if (all.size() > limit) {
            return new DevicePage(all.subList(0, limit), true);
        }
        return new DevicePage(all, more);
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.set("devices", JsonItems.array(devices.stream().map(Listed::json).toList()));
        root.put("next_cursor", more && !devices.isEmpty() ? DeviceQuery.encodeCursor(devices.get(devices.size() - 1).key()) : null);
        return root;
    }

    /** Reads what {@link #toJson()} wrote (another instance's part). */
    public static DevicePage fromJson(byte[] json) {
        List<Listed> devices = new ArrayList<>();
        for (JsonItems.Item item : JsonItems.of(json, "devices")) {
            devices.add(new Listed(item.parsed().path("endpoint_id").asText(), item.text()));
        }
        JsonNode cursor;
        try {
            cursor = Json.mapper().readTree(json).path("next_cursor");
        } catch (java.io.IOException e) {
            throw new PeerFailureException(502, "another instance answered with a device page that is not JSON: " + e.getMessage());
        }
        return new DevicePage(devices, cursor.isTextual());
    }
}
