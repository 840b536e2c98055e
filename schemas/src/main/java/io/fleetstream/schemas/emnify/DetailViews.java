package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.VisitedOperator;

import java.time.Instant;
import java.util.Locale;

import static io.fleetstream.schemas.emnify.TolerantValues.asBoolean;
import static io.fleetstream.schemas.emnify.TolerantValues.asDouble;
import static io.fleetstream.schemas.emnify.TolerantValues.asInt;
import static io.fleetstream.schemas.emnify.TolerantValues.asLong;
import static io.fleetstream.schemas.emnify.TolerantValues.asText;

/**
 * The typed views of an event's {@code detail}: the visited operator, the data session and the quota.
 * The detail itself is kept whole on the event, so a value of an unexpected type here simply leaves
 * that view field empty; it never rejects the event.
 */
final class DetailViews {

    private DetailViews() {
    }

    /** Update location (1, 2) and Create/Delete PDP Context (3, 5): the visited network. */
    static VisitedOperator operator(ObjectNode detail) {
        ObjectNode context = object(detail.get("pdp_context"));
        Long id = asLong(detail.get("id"));
        if (id == null && context != null) {
            id = asLong(context.get("operator_id"));
        }
        String name = asText(detail.get("name"));
        ObjectNode country = object(detail.get("country"));
        Long countryId = null;
        String countryName = null;
        String countryCode = null;
        String isoCode = null;
        String mcc = null;
        if (country != null) {
            countryId = asLong(country.get("id"));
            countryName = asText(country.get("name"));
            countryCode = asText(country.get("country_code"));
            isoCode = asText(country.get("iso_code"));
            mcc = asText(country.get("mcc"));
        }
        String mnc = firstOf(detail.get("mnc"), "mnc");
        if (context != null) {
            if (mcc == null) {
                mcc = asText(context.get("mcc"));
            }
            if (mnc == null) {
                mnc = asText(context.get("mnc"));
            }
        }
        String tapcode = firstOf(detail.get("tapcode"), "tapcode");
        if (id == null && name == null && country == null && mcc == null && mnc == null && tapcode == null) {
            return null;
        }
        return new VisitedOperator(id, name, countryId, countryName, countryCode, isoCode, mcc, mnc, tapcode);
    }

    /** Create/Delete PDP Context (3, 5): the session; volumes only come with Delete. */
    static PdpSession pdp(ObjectNode detail) {
        String sessionId = asText(detail.get("session_id"));
        ObjectNode context = object(detail.get("pdp_context"));
        ObjectNode volume = object(detail.get("volume"));
        if (sessionId == null && context == null && volume == null) {
            return null;
        }
        PdpSession session = new PdpSession();
        session.setSessionId(sessionId);
        if (context != null) {
            session.setPdpContextId(asLong(context.get("pdp_context_id")));
            session.setApn(asText(context.get("apn")));
            session.setRatType(asInt(context.get("rat_type")));
            session.setUeIpAddress(asText(context.get("ue_ip_address")));
            session.setTunnelCreated(time(context.get("tunnel_created")));
            session.setGtpVersion(asInt(context.get("gtp_version")));
            session.setImeisv(asText(context.get("imeisv")));
            session.setMcc(asText(context.get("mcc")));
            session.setMnc(asText(context.get("mnc")));
            session.setLac(asLong(context.get("lac")));
            session.setCi(asLong(context.get("ci")));
            session.setRegion(asText(context.get("region")));
            session.setBreakoutIp(asText(context.get("breakout_ip")));
        }
        if (volume != null) {
            session.setVolumeRx(asDouble(volume.get("rx")));
            session.setVolumeTx(asDouble(volume.get("tx")));
            session.setVolumeTotal(asDouble(volume.get("total")));
        }
        return session;
    }

    /**
     * Quota events (18-21, 56-61). Threshold and used-up events write {@code detail.quota} in snake_case,
     * quota-assigned events in camelCase, and the 1NCE streamer a flat detail with its own key names
     * ({@code quota_status_id}, {@code action_on_quota_exhaustion_id}, {@code expiry_date}, ...): all are read.
     */
    static QuotaDetail quota(ObjectNode detail) {
        ObjectNode nested = object(detail.get("quota"));
        ObjectNode quota = nested != null ? nested : detail;

        Integer statusId = null;
        String status = null;
        JsonNode statusNode = quota.get("status");
        ObjectNode statusObject = object(statusNode);
        if (statusObject != null) {
            statusId = asInt(statusObject.get("id"));
            status = asText(statusObject.get("description"));
        } else if (statusNode != null && statusNode.isTextual()) {
            status = statusNode.textValue();
        }
        if (statusId == null) {
            statusId = asInt(either(quota, "quota_status_id", "status_id"));
        }
        if (status == null && statusId != null) {
            status = statusName(statusId);
        }

        Integer actionId = null;
        String action = null;
        Long peakThroughput = null;
        ObjectNode actionObject = object(either(quota, "action_on_exhaustion", "actionOnExhaustion"));
        if (actionObject != null) {
            actionId = asInt(actionObject.get("id"));
            action = asText(actionObject.get("description"));
            peakThroughput = asLong(either(actionObject, "peak_throughput", "peakThroughput"));
        }
        if (actionId == null) {
            actionId = asInt(either(quota, "action_on_quota_exhaustion_id", "action_on_exhaustion_id"));
        }
        if (peakThroughput == null) {
            peakThroughput = asLong(either(quota, "peak_throughput", "peakThroughput"));
        }
        action = actionName(actionId, action);
        if (actionId == null && action != null) {
            actionId = action.equals("BLOCK") ? Integer.valueOf(1) : action.equals("THROTTLE") ? Integer.valueOf(2) : null;
        }

        Integer trafficTypeId = null;
        ObjectNode trafficType = object(either(quota, "traffic_type", "trafficType"));
        if (trafficType != null) {
            trafficTypeId = asInt(trafficType.get("id"));
        }

        QuotaDetail view = new QuotaDetail(
                statusId,
                status,
                asDouble(quota.get("volume")),
                asDouble(either(quota, "threshold_percentage", "thresholdPercentage")),
                asDouble(either(quota, "threshold_volume", "thresholdVolume")),
                time(either(quota, "expiry_date", "expiryDate")),
                actionId,
                action,
                peakThroughput,
                asBoolean(either(quota, "auto_refill", "autoRefill")),
                asDouble(either(quota, "last_volume_added", "lastVolumeAdded")),
                time(either(quota, "last_status_change_date", "lastStatusChangeDate")),
                trafficTypeId,
                asLong(either(quota, "endpoint_quota_id", "endpointQuotaId")));
        return isEmpty(view) ? null : view;
    }

    /** emnify's quota status ids: 1 ACTIVE, 2 EXHAUSTED, 3 EXPIRED. */
    private static String statusName(int id) {
        return switch (id) {
            case 1 -> "ACTIVE";
            case 2 -> "EXHAUSTED";
            case 3 -> "EXPIRED";
            default -> null;
        };
    }

    /** Action on exhaustion: 1 Block, 2 Throttle; descriptions vary in case ("Block"), so normalise. */
    private static String actionName(Integer id, String description) {
        if (id != null && id == 1) {
            return "BLOCK";
        }
        if (id != null && id == 2) {
            return "THROTTLE";
        }
        if (description == null || description.isBlank()) {
            return null;
        }
        return description.trim().toUpperCase(Locale.ROOT);
    }

    private static boolean isEmpty(QuotaDetail view) {
        for (int i = 0; i < view.getSchema().getFields().size(); i++) {
            if (view.get(i) != null) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode either(ObjectNode node, String snakeCase, String other) {
        JsonNode value = node.get(snakeCase);
        return TolerantValues.isAbsent(value) ? node.get(other) : value;
    }

    private static ObjectNode object(JsonNode node) {
        return node instanceof ObjectNode object ? object : null;
    }

    /** The text at {@code key} of the first element of an array such as {@code mnc: [{id, mnc}]}. */
    private static String firstOf(JsonNode array, String key) {
        if (array == null) {
            return null;
        }
        if (array.isTextual()) {
            return array.textValue();
        }
        if (array.isArray()) {
            for (JsonNode element : array) {
                String value = element.isObject() ? asText(element.get(key)) : null;
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    private static Instant time(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        long millis = EmnifyTimestamps.parseEpochMillis(node.textValue());
        return millis == EmnifyTimestamps.INVALID ? null : Instant.ofEpochMilli(millis);
    }
}
