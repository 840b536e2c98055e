package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.schemas.json.Json;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fleet counts over some partitions: devices by connectivity status and online, and endpoints with a
 * quota record by data and SMS quota status. Counts of disjoint partitions add up, which is how the
 * summary is gathered from every instance; {@code partitions} says how many were counted, and
 * {@code asOf} when the oldest of them was.
 */
public final class FleetSummary {

    private long devices;
    private long online;
    private final Map<ConnectivityStatus, Long> byStatus = zeros(ConnectivityStatus.class);
    private long quotaEndpoints;
    private final Map<QuotaStatus, Long> data = zeros(QuotaStatus.class);
    private final Map<QuotaStatus, Long> sms = zeros(QuotaStatus.class);
    private int partitions;
    private Instant asOf;

    public void countDevice(DeviceState state) {
        devices++;
        if (state.getOnline()) {
            online++;
        }
        byStatus.merge(state.getStatus(), 1L, Long::sum);
    }

    public void countQuota(QuotaState state) {
        quotaEndpoints++;
        data.merge(state.getData().getStatus(), 1L, Long::sum);
        sms.merge(state.getSms().getStatus(), 1L, Long::sum);
    }

    public void countPartition() {
        partitions++;
    }

    /** The time these counts were taken. */
    public FleetSummary asOf(Instant countedAt) {
        this.asOf = countedAt;
        return this;
    }

    public FleetSummary add(FleetSummary other) {
        devices += other.devices;
        online += other.online;
        other.byStatus.forEach((k, v) -> byStatus.merge(k, v, Long::sum));
        quotaEndpoints += other.quotaEndpoints;
        other.data.forEach((k, v) -> data.merge(k, v, Long::sum));
        other.sms.forEach((k, v) -> sms.merge(k, v, Long::sum));
        partitions += other.partitions;
        if (asOf == null || (other.asOf != null && other.asOf.isBefore(asOf))) {
            asOf = other.asOf;
        }
        return this;
    }

    public long devices() {
        return devices;
    }

    public long online() {
        return online;
    }

    public long devicesWith(ConnectivityStatus status) {
        return byStatus.get(status);
    }

    public long dataQuotasWith(QuotaStatus status) {
        return data.get(status);
    }

    public long smsQuotasWith(QuotaStatus status) {
        return sms.get(status);
    }

    public int partitions() {
        return partitions;
    }

    /** When the oldest of the partitions' counts was taken; empty when none was counted. */
    public Optional<Instant> asOf() {
        return Optional.ofNullable(asOf);
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode deviceNode = root.putObject("devices");
        deviceNode.put("total", devices);
        deviceNode.put("online", online);
        ObjectNode statusNode = deviceNode.putObject("by_status");
        byStatus.forEach((status, n) -> statusNode.put(status.name(), n));
        ObjectNode quotaNode = root.putObject("quotas");
        quotaNode.put("endpoints", quotaEndpoints);
        ObjectNode dataNode = quotaNode.putObject("data");
        data.forEach((status, n) -> dataNode.put(status.name(), n));
        ObjectNode smsNode = quotaNode.putObject("sms");
        sms.forEach((status, n) -> smsNode.put(status.name(), n));
        root.put("partitions", partitions);
        return root;
    }

    /** Reads what {@link #toJson()} wrote (another instance's part); its time travels beside it, not in it. */
    public static FleetSummary fromJson(JsonNode json) {
        FleetSummary s = new FleetSummary();
        JsonNode deviceNode = json.path("devices");
        s.devices = deviceNode.path("total").asLong();
        s.online = deviceNode.path("online").asLong();
        for (ConnectivityStatus status : ConnectivityStatus.values()) {
            s.byStatus.put(status, deviceNode.path("by_status").path(status.name()).asLong());
        }
        JsonNode quotaNode = json.path("quotas");
        s.quotaEndpoints = quotaNode.path("endpoints").asLong();
        for (QuotaStatus status : QuotaStatus.values()) {
            s.data.put(status, quotaNode.path("data").path(status.name()).asLong());
            s.sms.put(status, quotaNode.path("sms").path(status.name()).asLong());
        }
        s.partitions = json.path("partitions").asInt();
        return s;
    }

    private static <E extends Enum<E>> Map<E, Long> zeros(Class<E> type) {
        Map<E, Long> map = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            map.put(e, 0L);
        }
        return map;
    }
}
