package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.catalog.EventType;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.schemas.emnify.EmnifyTimestamps;
import io.fleetstream.schemas.json.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes events in the shape emnify's Data Streamer delivers them (field names, nesting, value types,
 * {@code tags} a comma-separated string or null, no {@code detail} key where emnify sends none), one method
 * per kind of event.
 * Every event gets the next id of the sequence, so ids increase in the order events are written.
 */
final class StreamerEvents {

    static final String NO_QUOTA = "PDP Context Request rejected, because endpoint has no quota.";

    /** {@code pdp_context.tunnel_created} carries no zone in emnify's payloads; it is UTC. */
    private static final DateTimeFormatter TUNNEL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private enum Source {
        NETWORK(0, "Network"), POLICY_CONTROL(1, "Policy Control"), API(2, "API");

        final int id;
        final String description;

        Source(int id, String description) {
            this.id = id;
            this.description = description;
        }
    }

    private enum Severity {
        INFO(0, "Info"), WARN(1, "Warn");

        final int id;
        final String description;

        Severity(int id, String description) {
            this.id = id;
            this.description = description;
        }
    }

    private final ObjectMapper mapper = Json.mapper();
    private final EventIdSequence ids;

    StreamerEvents(EventIdSequence ids) {
        this.ids = ids;
    }

    ObjectNode updateLocation(long at, SimulatedDevice device, String vlr) {
        ObjectNode event = deviceEvent(at, EventTypes.UPDATE_LOCATION, Source.NETWORK, Severity.INFO, false,
                "New location received from VLR for IMSI='" + device.imsi().imsi() + "', now attached to VLR='" + vlr + "'.",
                device);
        event.set("detail", networkDetail(device.network()));
        return event;
    }

    ObjectNode updateGprsLocation(long at, SimulatedDevice device, String sgsn, String sgsnIp) {
        ObjectNode event = deviceEvent(at, EventTypes.UPDATE_GPRS_LOCATION, Source.NETWORK, Severity.INFO, false,
                "New location received from SGSN for IMSI='" + device.imsi().imsi() + "', now attached to SGSN='"
                        + sgsn + "', IP='" + sgsnIp + "'.", device);
        event.set("detail", networkDetail(device.network()));
        return event;
    }

    ObjectNode pdpContextCreated(long at, SimulatedDevice device, DataSession session) {
        ObjectNode event = deviceEvent(at, EventTypes.CREATE_PDP_CONTEXT, Source.NETWORK, Severity.INFO, false,
                "New PDP Context successfully activated with SGSN CP=" + session.ggsnControlPlaneIp()
                        + ", DP=" + session.sgsnControlPlaneIp() + ".", device);
        ObjectNode detail = sessionDetail(device, session);
        ObjectNode context = pdpContext(device, session, session.apn());
        context.put("operator_id", Long.toString(device.network().id()));
        context.put("tariff_profile_id", Long.toString(session.tariffProfileId()));
        context.put("ratezone_id", Long.toString(session.ratezoneId()));
        context.put("tariff_id", Long.toString(session.tariffId()));
        detail.set("pdp_context", context);
        event.set("detail", detail);
        return event;
    }

    /** A refused data session is still event type 3, but from Policy Control, with no detail at all. */
    ObjectNode pdpContextRejected(long at, SimulatedDevice device, String reason) {
        return deviceEvent(at, EventTypes.CREATE_PDP_CONTEXT, Source.POLICY_CONTROL, Severity.WARN, true, reason, device);
    }

    ObjectNode pdpContextDeleted(long at, SimulatedDevice device, DataSession session, BigDecimal rx, BigDecimal tx,
                                 boolean apnKnown) {
        ObjectNode event = deviceEvent(at, EventTypes.DELETE_PDP_CONTEXT, Source.NETWORK, Severity.INFO, false,
                "PDP Context deleted.", device);
        ObjectNode detail = sessionDetail(device, session);
        ObjectNode volume = detail.putObject("volume");
        volume.put("total", rx.add(tx));
        volume.put("rx", rx);
        volume.put("tx", tx);
        detail.set("pdp_context", pdpContext(device, session, apnKnown ? session.apn() : null));
        event.set("detail", detail);
        return event;
    }

    ObjectNode endpointBlocked(long at, SimulatedDevice device) {
        return deviceEvent(at, EventTypes.ENDPOINT_BLOCKED, Source.POLICY_CONTROL, Severity.WARN, true,
                "Blocking data access for endpoint, traffic limit exceeded.", device);
    }

    ObjectNode purgeLocation(long at, SimulatedDevice device) {
        return deviceEvent(at, EventTypes.PURGE_LOCATION, Source.NETWORK, Severity.INFO, false,
                "Purge location received from VLR for IMSI='" + device.imsi().imsi() + "'.", device);
    }

    ObjectNode purgeGprsLocation(long at, SimulatedDevice device) {
        return deviceEvent(at, EventTypes.PURGE_GPRS_LOCATION, Source.NETWORK, Severity.INFO, false,
                "Purge GPRS location received from SGSN for IMSI='" + device.imsi().imsi() + "'.", device);
    }

    ObjectNode dataQuotaThresholdReached(long at, SimulatedDevice device, QuotaGrant quota, BigDecimal remaining) {
        ObjectNode event = deviceEvent(at, EventTypes.DATA_QUOTA_THRESHOLD_REACHED, Source.POLICY_CONTROL, Severity.WARN, true,
                "Endpoint quota threshold reached, volume is below " + quota.thresholdPercentage() + "%.", device);
        quotaLevel(event, quota, remaining);
        return event;
    }

    /** {@code remainingAsText}: emnify sometimes writes this volume as a string such as "-0.001200". */
    ObjectNode dataQuotaUsedUp(long at, SimulatedDevice device, QuotaGrant quota, BigDecimal remaining,
                               boolean remainingAsText) {
        String consequence = quota.onExhaustion() == QuotaGrant.Exhaustion.BLOCK ? "denied" : "throttled";
        ObjectNode event = deviceEvent(at, EventTypes.DATA_QUOTA_USED_UP, Source.POLICY_CONTROL, Severity.WARN, true,
                "Quota volume is completely used up and data access " + consequence + " for endpoint.", device);
        ObjectNode level = quotaLevel(event, quota, remaining);
        if (remainingAsText) {
            level.put("volume", remaining.toPlainString());
        }
        return event;
    }

    ObjectNode smsQuotaThresholdReached(long at, SimulatedDevice device, QuotaGrant quota, BigDecimal remaining) {
        ObjectNode event = deviceEvent(at, EventTypes.SMS_QUOTA_THRESHOLD_REACHED, Source.POLICY_CONTROL, Severity.WARN, true,
                "SMS quota threshold reached, volume is below " + quota.thresholdPercentage() + "%.", device);
        smsTraffic(quotaLevel(event, quota, remaining));
        return event;
    }

    ObjectNode smsQuotaUsedUp(long at, SimulatedDevice device, QuotaGrant quota, BigDecimal remaining) {
        ObjectNode event = deviceEvent(at, EventTypes.SMS_QUOTA_USED_UP, Source.POLICY_CONTROL, Severity.WARN, true,
                "SMS quota is completely used up and SMS service denied for endpoint.", device);
        smsTraffic(quotaLevel(event, quota, remaining));
        return event;
    }

    ObjectNode dataQuotaAssigned(long at, SimulatedDevice device, QuotaGrant quota) {
        ObjectNode event = deviceEvent(at, EventTypes.DATA_QUOTA_ASSIGNED, Source.API, Severity.INFO, false,
                String.format(Locale.ROOT, "Data quota assigned with volume of %s MB %s until %s and action on exhaustion set to %s.",
                        quota.volume().setScale(6).toPlainString(), quota.autoRefill() ? "with daily refill" : "without daily refill",
                        quota.expiry(), quota.onExhaustion().verb), device);
        quotaGrant(event, at, quota);
        return event;
    }

    ObjectNode smsQuotaAssigned(long at, SimulatedDevice device, QuotaGrant quota) {
        ObjectNode event = deviceEvent(at, EventTypes.SMS_QUOTA_ASSIGNED, Source.API, Severity.INFO, false,
                String.format(Locale.ROOT, "SMS quota assigned with volume of %s SMS %s until %s and action on exhaustion set to %s.",
                        quota.volume().toPlainString(), quota.autoRefill() ? "with daily refill" : "without daily refill",
                        quota.expiry(), quota.onExhaustion().verb), device);
        quotaGrant(event, at, quota);
        return event;
    }

    ObjectNode dataQuotaDeleted(long at, SimulatedDevice device) {
        return deviceEvent(at, EventTypes.DATA_QUOTA_DELETED, Source.API, Severity.INFO, false, "Data quota deleted.", device);
    }

    ObjectNode smsQuotaDeleted(long at, SimulatedDevice device) {
        return deviceEvent(at, EventTypes.SMS_QUOTA_DELETED, Source.API, Severity.INFO, false, "SMS quota deleted.", device);
    }

    ObjectNode dataQuotaExpired(long at, SimulatedDevice device) {
        return deviceEvent(at, EventTypes.DATA_QUOTA_EXPIRED, Source.POLICY_CONTROL, Severity.INFO, false,
                "Data quota expired.", device);
    }

    ObjectNode smsQuotaExpired(long at, SimulatedDevice device) {
        return deviceEvent(at, EventTypes.SMS_QUOTA_EXPIRED, Source.POLICY_CONTROL, Severity.INFO, false,
                "SMS quota expired.", device);
    }

    /** Events 52–55: per service profile, so no endpoint, sim, imsi or detail keys at all. */
    ObjectNode quotaManagementChanged(long at, SimulatedOrganisation organisation, boolean sms, boolean enabled) {
        String service = sms ? "SMS" : "Data";
        EventType type = sms ? (enabled ? EventTypes.SMS_QUOTA_ENABLED : EventTypes.SMS_QUOTA_DISABLED)
                : (enabled ? EventTypes.DATA_QUOTA_ENABLED : EventTypes.DATA_QUOTA_DISABLED);
        String profile = "service profile (id = " + organisation.serviceProfileId() + " - " + organisation.serviceProfileName() + ")";
        String description = enabled
                ? service + " quota management enabled for " + profile + ", endpoints of this service profile without an active "
                        + (sms ? "SMS quota will be blocked from SMS service." : "data quota will be throttled or blocked from data service.")
                : service + " quota management disabled for " + profile + ".";
        return envelope(at, type, Source.API, enabled ? Severity.WARN : Severity.INFO, false, description, organisation);
    }

    private ObjectNode deviceEvent(long at, EventType type, Source source, Severity severity, boolean alert,
                                   String description, SimulatedDevice device) {
        ObjectNode event = envelope(at, type, source, severity, alert, description, device.organisation());
        ObjectNode endpoint = event.putObject("endpoint");
        endpoint.put("id", device.endpointId());
        endpoint.put("name", device.name());
        endpoint.put("ip_address", device.ipAddress());
        endpoint.put("imei", device.imei());
        endpoint.put("tags", device.tags());
        ObjectNode sim = event.putObject("sim");
        sim.put("id", device.sim().id());
        sim.put("iccid", device.sim().iccid());
        sim.put("production_date", EmnifyTimestamps.format(device.sim().productionDate()));
        sim.put("msisdn", device.sim().msisdn());
        ObjectNode imsi = event.putObject("imsi");
        imsi.put("id", device.imsi().id());
        imsi.put("imsi", device.imsi().imsi());
        imsi.put("import_date", EmnifyTimestamps.format(device.imsi().importDate()));
        return event;
    }

    /** The event type's id and description are the catalog's, as emnify names them. */
    private ObjectNode envelope(long at, EventType type, Source source, Severity severity, boolean alert,
                                String description, SimulatedOrganisation organisation) {
        ObjectNode event = mapper.createObjectNode();
        event.put("id", ids.next());
        event.put("timestamp", EmnifyTimestamps.format(Instant.ofEpochMilli(at)));
        ObjectNode eventType = event.putObject("event_type");
        eventType.put("id", type.id());
        eventType.put("description", type.name());
        ObjectNode eventSource = event.putObject("event_source");
        eventSource.put("id", source.id);
        eventSource.put("description", source.description);
        ObjectNode eventSeverity = event.putObject("event_severity");
        eventSeverity.put("id", severity.id);
        eventSeverity.put("description", severity.description);
        ObjectNode org = event.putObject("organisation");
        org.put("id", organisation.id());
        org.put("name", organisation.name());
        event.put("alert", alert);
        event.put("description", description);
        return event;
    }

    private ObjectNode networkDetail(MobileOperator network) {
        ObjectNode detail = mapper.createObjectNode();
        detail.put("id", network.id());
        detail.put("name", network.name());
        detail.set("country", country(network.country()));
        ArrayNode tapcodes = detail.putArray("tapcode");
        tapcodes.addObject().put("id", network.tapcodeId()).put("tapcode", network.tapcode());
        ArrayNode mncs = detail.putArray("mnc");
        mncs.addObject().put("id", network.mncId()).put("mnc", network.mnc());
        return detail;
    }

    private ObjectNode sessionDetail(SimulatedDevice device, DataSession session) {
        ObjectNode detail = mapper.createObjectNode();
        detail.put("id", device.network().id());
        detail.put("name", device.network().name());
        detail.set("country", country(device.network().country()));
        detail.put("session_id", session.sessionId());
        return detail;
    }

    private ObjectNode pdpContext(SimulatedDevice device, DataSession session, String apn) {
        ObjectNode context = mapper.createObjectNode();
        context.put("pdp_context_id", session.pdpContextId());
        context.put("tunnel_created", TUNNEL_TIME.format(Instant.ofEpochMilli(session.tunnelCreatedAt())));
        context.put("gtp_version", gtpVersion(device.ratType()));
        context.put("apn", apn);
        context.put("rat_type", device.ratType());
        context.put("ue_ip_address", device.ipAddress());
        context.put("imeisv", session.imeisv());
        context.put("imsi", device.imsi().imsi());
        context.put("mcc", device.network().country().mcc());
        context.put("mnc", device.network().mnc());
        context.put("lac", session.lac());
        context.put("ci", session.ci());
        context.putNull("sac");
        context.putNull("rac");
        context.put("region", device.network().region());
        context.put("breakout_ip", session.breakoutIp());
        context.put("ggsn_control_plane_ip_address", session.ggsnControlPlaneIp());
        context.put("ggsn_data_plane_ip_address", session.ggsnDataPlaneIp());
        context.put("sgsn_control_plane_ip_address", session.sgsnControlPlaneIp());
        context.put("sgsn_data_plane_ip_address", session.sgsnDataPlaneIp());
        context.put("rx_teid", session.rxTeid());
        context.put("tx_teid_control_plane", session.txTeidControlPlane());
        context.put("tx_teid_data_plane", session.txTeidDataPlane());
        context.put("nsapi", 5);
        return context;
    }

    /** LTE, NB-IoT and CAT-M sessions run over GTPv2; 2G and 3G over GTPv1. */
    private static int gtpVersion(int ratType) {
        return ratType == 6 || ratType == 8 || ratType == 9 ? 2 : 1;
    }

    private ObjectNode country(MobileOperator.Country country) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", country.id());
        node.put("name", country.name());
        node.put("country_code", country.countryCode());
        node.put("mcc", country.mcc());
        node.put("iso_code", country.isoCode());
        return node;
    }

    /** Threshold and used-up events (18–21) use snake_case keys, unlike the assignment events. */
    private static ObjectNode quotaLevel(ObjectNode event, QuotaGrant quota, BigDecimal remaining) {
        ObjectNode level = event.putObject("detail").putObject("quota");
        level.put("threshold_percentage", quota.thresholdPercentage());
        level.put("threshold_volume", quota.thresholdVolume());
        level.put("volume", remaining);
        return level;
    }

    private static void smsTraffic(ObjectNode level) {
        level.putObject("traffic_type").put("id", 6).put("description", "SMS");
    }

    /** Assignment events (56, 58) use camelCase keys, as emnify sends them. */
    private static void quotaGrant(ObjectNode event, long at, QuotaGrant quota) {
        ObjectNode grant = event.putObject("detail").putObject("quota");
        grant.putObject("status").put("id", 1).put("description", "ACTIVE");
        ObjectNode action = grant.putObject("action_on_exhaustion");
        action.put("id", quota.onExhaustion().id);
        action.put("description", quota.onExhaustion().description);
        action.put("peak_throughput", quota.peakThroughput());
        grant.put("volume", quota.volume());
        grant.put("expiryDate", quota.expiry().toString());
        grant.put("lastVolumeAdded", quota.volume());
        // the quota changed status an instant before the event reporting it was written
        grant.put("lastStatusChangeDate", Instant.ofEpochSecond(at / 1000 - 1).toString());
        grant.put("autoRefill", quota.autoRefill());
        grant.put("thresholdPercentage", quota.thresholdPercentage());
        grant.put("thresholdVolume", quota.thresholdVolume());
    }
}
