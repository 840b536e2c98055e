package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.Location;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.availability.AvailabilityReport;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Availability of the devices of some partitions, grouped by organisation, operator, country or tag as the device
 * state knows them now (its organisation, the operator and country of its last location, the tags of its latest
 * event). Every figure is a sum (times in milliseconds, counts), so parts of disjoint partitions add up, which is how
 * the fleet answer is gathered from every instance; percentages and means are computed from the sums when rendered.
 *
 * <p>By tag a device is counted in the group of each of its tags, so the groups add up to more than the total when a
 * device has several; the total counts every device once.
 */
final class FleetAvailability {

    /**
     * The key of the group of devices whose state does not say (no location, no organisation; by tag, a state written
     * before tags were kept, until the device's next event).
     */
    static final String UNKNOWN_GROUP = "unknown";
    /** By tag, the key of the group of devices known to have no tags (their latest event named none). */
    static final String UNTAGGED_GROUP = "untagged";
    /**
     * By tag, what a tag's group key starts with: tags are free text, and a tag named "untagged" or "unknown" must
     * not fall into the groups of those keys.
     */
    static final String TAG_KEY_PREFIX = "tag:";

    /** Additive figures of some devices. */
    static final class Figures {
        long devices;
        long onlineMillis;
        long offlineMillis;
        long unknownMillis;
        long outages;
        long recoveredOutages;
        long recoveryMillis;

        void add(AvailabilityReport report) {
            devices++;
            onlineMillis += report.onlineMillis();
            offlineMillis += report.offlineMillis();
            unknownMillis += report.unknownMillis();
            outages += report.outages();
            recoveredOutages += report.recoveredOutages();
            recoveryMillis += report.recoveryMillis();
        }

        void add(Figures other) {
            devices += other.devices;
            onlineMillis += other.onlineMillis;
            offlineMillis += other.offlineMillis;
            unknownMillis += other.unknownMillis;
            outages += other.outages;
            recoveredOutages += other.recoveredOutages;
            recoveryMillis += other.recoveryMillis;
        }

        void writeTo(ObjectNode node) {
            node.put("devices", devices);
            node.put("online_seconds", AvailabilityJson.seconds(onlineMillis));
            node.put("offline_seconds", AvailabilityJson.seconds(offlineMillis));
            node.put("unknown_seconds", AvailabilityJson.seconds(unknownMillis));
            node.put("availability_percent", AvailabilityJson.percent(onlineMillis, offlineMillis));
            node.put("outages", outages);
            node.put("recovered_outages", recoveredOutages);
            node.put("mean_time_to_recover_seconds", AvailabilityJson.mean(recoveryMillis, recoveredOutages));
            node.put("time_to_recover_seconds_total", AvailabilityJson.seconds(recoveryMillis));
        }

        static Figures readFrom(JsonNode node) {
            Figures f = new Figures();
            f.devices = node.path("devices").asLong();
            f.onlineMillis = AvailabilityJson.millis(node.path("online_seconds"));
            f.offlineMillis = AvailabilityJson.millis(node.path("offline_seconds"));
            f.unknownMillis = AvailabilityJson.millis(node.path("unknown_seconds"));
            f.outages = node.path("outages").asLong();
            f.recoveredOutages = node.path("recovered_outages").asLong();
            f.recoveryMillis = AvailabilityJson.millis(node.path("time_to_recover_seconds_total"));
            return f;
        }
    }

    /** A group: what the device state says of it (organisation id, operator, country, tag), and its figures. */
    private static final class Group {
        final ObjectNode labels;
        final Figures figures = new Figures();

        Group(ObjectNode labels) {
            this.labels = labels;
        }
    }

    private final AvailabilityQuery.Grouping by;
    private final Map<String, Group> groups = new TreeMap<>();
    private final Figures total = new Figures();
    private int partitions;

    FleetAvailability(AvailabilityQuery.Grouping by) {
        this.by = by;
    }

    /** Counts a device, in the group its state (null if none) puts it in, or by tag in the group of each tag. */
    void add(DeviceState state, AvailabilityReport report) {
        if (by == AvailabilityQuery.Grouping.TAG) {
            List<String> tags = state == null ? null : state.getTags();
            if (tags == null) {
                addTo(UNKNOWN_GROUP, null, report);
            } else if (tags.isEmpty()) {
                addTo(UNTAGGED_GROUP, null, report);
            } else {
                // once in each of its groups, however the state came by a repeated tag
                tags.stream().distinct().forEach(tag -> addTo(TAG_KEY_PREFIX + tag, tag, report));
            }
        } else {
            ObjectNode labels = Json.mapper().createObjectNode();
            String key = groupOf(state, labels);
            groups.computeIfAbsent(key, k -> new Group(labels)).figures.add(report);
        }
        total.add(report);
    }

    private void addTo(String key, String tag, AvailabilityReport report) {
        ObjectNode labels = Json.mapper().createObjectNode().put("tag", tag);
        groups.computeIfAbsent(key, k -> new Group(labels)).figures.add(report);
    }

    void countPartition() {
        partitions++;
    }

    FleetAvailability add(FleetAvailability other) {
        other.groups.forEach((key, group) -> groups.computeIfAbsent(key, k -> new Group(group.labels)).figures.add(group.figures));
        total.add(other.total);
        partitions += other.partitions;
        return this;
    }

    Figures total() {
        return total;
    }

    /** The figures of one group by its key; null when no device is in it. */
    Figures group(String key) {
        Group group = groups.get(key);
        return group == null ? null : group.figures;
    }

    int partitions() {
        return partitions;
    }

    /** The group key of a device and, into {@code labels}, what the answer says of the group. */
    private String groupOf(DeviceState state, ObjectNode labels) {
        switch (by) {
            case ORGANISATION -> {
                Long organisation = state == null ? null : state.getOrganisationId();
                labels.put("organisation_id", organisation);
                return organisation == null ? UNKNOWN_GROUP : organisation.toString();
            }
            case OPERATOR -> {
                Location location = state == null ? null : state.getLocation();
                labels.put("operator_id", location == null ? null : location.getOperatorId());
                labels.put("operator", location == null ? null : location.getOperator());
                labels.put("mcc", location == null ? null : location.getMcc());
                labels.put("mnc", location == null ? null : location.getMnc());
                if (location == null || (location.getOperatorId() == null && location.getOperator() == null)) {
                    return UNKNOWN_GROUP;
                }
                return location.getOperatorId() != null ? location.getOperatorId().toString() : "name:" + location.getOperator();
            }
            case COUNTRY -> {
                Location location = state == null ? null : state.getLocation();
                String iso = location == null || location.getIsoCode() == null ? null
                        : location.getIsoCode().toUpperCase(Locale.ROOT);
                labels.put("country", location == null ? null : location.getCountry());
                labels.put("iso_code", iso);
                if (iso != null) {
                    return iso;
                }
                return location == null || location.getCountry() == null ? UNKNOWN_GROUP : location.getCountry();
            }
            default -> throw new IllegalStateException("a device is in one group only by organisation, operator or"
                    + " country, not by " + by);
        }
    }

    /** The answer to a client, with the range and its notes. */
    ObjectNode toJson(AvailabilityQuery query) {
        ObjectNode root = toJson();
        root.put("from", query.from().toString());
        root.put("until", query.until().toString());
        AvailabilityJson.notes(root, query.notes(), total.unknownMillis > 0);
        if (groupedDevices() > total.devices) {
            ((ArrayNode) root.get("notes")).add(SEVERAL_TAGS_NOTE);
        }
        return root;
    }

    /** Said when a device is in more than one group, which only grouping by tag does. */
    static final String SEVERAL_TAGS_NOTE = "a device with several tags is counted in the group of each of them:"
            + " the groups add up to more than the total, which counts every device once";

    private long groupedDevices() {
        return groups.values().stream().mapToLong(g -> g.figures.devices).sum();
    }

    /** The part another instance gathers: the figures without the range. */
    ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("by", by.parameter());
        total.writeTo(root.putObject("total"));
        ArrayNode list = root.putArray("groups");
        groups.forEach((key, group) -> {
            ObjectNode node = list.addObject().put("key", key);
            node.setAll(group.labels);
            group.figures.writeTo(node);
        });
        root.put("partitions", partitions);
        return root;
    }

    /** Reads what {@link #toJson()} wrote (another instance's part). */
    static FleetAvailability fromJson(JsonNode json, AvailabilityQuery.Grouping by) {
        FleetAvailability part = new FleetAvailability(by);
        part.total.add(Figures.readFrom(json.path("total")));
        for (JsonNode node : json.path("groups")) {
            ObjectNode labels = Json.mapper().createObjectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (LABELS.contains(field.getKey())) {
                    labels.set(field.getKey(), field.getValue());
                }
            }
            part.groups.computeIfAbsent(node.path("key").asText(), k -> new Group(labels)).figures.add(Figures.readFrom(node));
        }
        part.partitions = json.path("partitions").asInt();
        return part;
    }

    private static final List<String> LABELS = List.of("organisation_id", "operator_id", "operator", "mcc", "mnc",
            "country", "iso_code", "tag");
}
