package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.QuotaManagementSetting;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.ServiceProfileQuotaManagement;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.quota.QuotaBurn;
import io.fleetstream.topology.quota.QuotaForecast;

import java.util.Comparator;
import java.util.Map;

import static io.fleetstream.topology.query.DeviceStateJson.time;

/** Quota state, its forecast and quota management as the query API shows them: snake_case, ISO-8601 UTC times. */
final class QuotaJson {

    private QuotaJson() {
    }

    static ObjectNode of(QuotaState s) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("endpoint_id", s.getEndpointId());
        m.put("organisation_id", s.getOrganisationId());
        m.set("data", quota(s.getData()));
        m.set("sms", quota(s.getSms()));
        return m;
    }

    private static ObjectNode quota(EndpointQuota q) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("status", q.getStatus().name());
        m.put("remaining_volume", q.getRemainingVolume());
        m.put("assigned_volume", q.getAssignedVolume());
        m.put("last_volume_added", q.getLastVolumeAdded());
        m.put("threshold_percentage", q.getThresholdPercentage());
        m.put("threshold_volume", q.getThresholdVolume());
        m.put("threshold_reached", q.getThresholdReached());
        m.put("threshold_reached_at", time(q.getThresholdReachedAt()));
        m.put("expiry", time(q.getExpiry()));
        m.put("action_on_exhaustion", q.getActionOnExhaustion() == null ? null : q.getActionOnExhaustion().name());
        m.put("peak_throughput", q.getPeakThroughput());
        m.put("auto_refill", q.getAutoRefill());
        m.put("endpoint_quota_id", q.getEndpointQuotaId());
        m.put("platform_status_changed_at", time(q.getPlatformStatusChangedAt()));
        m.put("assigned_at", time(q.getAssignedAt()));
        m.put("changed_at", time(q.getChangedAt()));
        m.put("event_id", q.getEventId());
        m.put("event_type_id", q.getEventTypeId());
        return m;
    }

    /**
     * A device's data quota forecast: the figures, what they are based on, and the quota event they start from.
     * Volumes and rates are rounded to the micro-MB (the usage records' scale).
     */
    static ObjectNode forecast(QuotaBurn burn) {
        QuotaForecast f = burn.forecast();
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("burn_rate_mb_per_hour", f.burnRateMbPerHour() == null ? null : micro(f.burnRateMbPerHour()));
        m.put("remaining_now_mb", micro(f.remainingNowMb()));
        m.put("projected_exhaustion_at", time(f.projectedExhaustionAt()));
        ObjectNode basedOn = m.putObject("based_on");
        basedOn.put("records", f.records());
        basedOn.put("from", time(f.from()));
        basedOn.put("until", time(f.until()));
        m.put("remaining_volume", micro(burn.remainingVolume()));
        m.put("quota_changed_at", time(burn.changedAt()));
        m.put("used_since_change_mb", micro(burn.usedSinceChange()));
        m.put("assigned_at", time(burn.assignedAt().orElse(null)));
        m.put("expiry", time(f.expiry()));
        m.put("alerted", burn.alerted());
        m.put("note", f.note());
        return m;
    }

    private static double micro(double mb) {
        return Math.round(mb * 1e6) / 1e6;
    }

    /** Service profiles as a list ordered by id (the unnamed entry last), for a stable answer. */
    static ObjectNode of(QuotaManagementState s) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("organisation_id", s.getOrganisationId());
        m.put("organisation_name", s.getOrganisationName());
        ArrayNode profiles = m.putArray("service_profiles");
        s.getServiceProfiles().entrySet().stream()
                .sorted(Map.Entry.comparingByValue(Comparator.comparing(ServiceProfileQuotaManagement::getServiceProfileId,
                        Comparator.nullsLast(Comparator.naturalOrder()))))
                .forEach(e -> {
                    ServiceProfileQuotaManagement p = e.getValue();
                    ObjectNode profile = profiles.addObject();
                    profile.put("service_profile_id", p.getServiceProfileId());
                    profile.put("service_profile_name", p.getServiceProfileName());
                    profile.set("data", setting(p.getData()));
                    profile.set("sms", setting(p.getSms()));
                });
        return m;
    }

    private static ObjectNode setting(QuotaManagementSetting s) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("status", s.getStatus().name());
        m.put("changed_at", time(s.getChangedAt()));
        m.put("event_id", s.getEventId());
        return m;
    }
}
