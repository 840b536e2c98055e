package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.ClosedSession;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.Location;
import io.fleetstream.avro.OpenSession;
import io.fleetstream.avro.Rejection;
import io.fleetstream.schemas.json.Json;

import java.time.Instant;
import java.util.List;

/** A device's state as the query API shows it: snake_case fields, ISO-8601 UTC times. */
final class DeviceStateJson {

    private DeviceStateJson() {
    }

    static ObjectNode of(DeviceState s) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("endpoint_id", s.getEndpointId());
        m.put("organisation_id", s.getOrganisationId());
        m.set("tags", tags(s.getTags()));
        m.put("status", s.getStatus().name());
        m.put("online", s.getOnline());
        m.put("offline_due_at", time(s.getOfflineDueAt()));
        m.set("session", session(s.getSession()));
        m.set("last_session", lastSession(s.getLastSession()));
        m.set("location", location(s.getLocation()));
        m.set("last_rejection", rejection(s.getLastRejection()));
        m.put("last_event_id", s.getLastEventId());
        m.put("last_event_at", time(s.getLastEventAt()));
        m.put("presence_changed_at", time(s.getPresenceChangedAt()));
        m.put("sessions", s.getSessions());
        m.put("rejections", s.getRejections());
        return m;
    }

    /** Null only for a state written before tags were kept: whether the device has tags is not known yet. */
    private static ArrayNode tags(List<String> tags) {
        if (tags == null) {
            return null;
        }
        ArrayNode array = Json.mapper().createArrayNode();
        tags.forEach(array::add);
        return array;
    }

    private static ObjectNode session(OpenSession s) {
        if (s == null) {
            return null;
        }
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("session_id", s.getSessionId());
        m.put("started_at", time(s.getStartedAt()));
        m.put("apn", s.getApn());
        m.put("rat_type", s.getRatType());
        m.put("ue_ip_address", s.getUeIpAddress());
        m.put("operator", s.getOperator());
        m.put("country", s.getCountry());
        m.put("event_id", s.getEventId());
        return m;
    }

    private static ObjectNode lastSession(ClosedSession s) {
        if (s == null) {
            return null;
        }
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("session_id", s.getSessionId());
        m.put("started_at", time(s.getStartedAt()));
        m.put("ended_at", time(s.getEndedAt()));
        m.put("duration_seconds", s.getDurationMs() == null ? null : s.getDurationMs() / 1000.0);
        m.put("apn", s.getApn());
        m.put("rat_type", s.getRatType());
        m.put("operator", s.getOperator());
        m.put("country", s.getCountry());
        m.putObject("volume")
                .put("rx", s.getVolumeRx())
                .put("tx", s.getVolumeTx())
                .put("total", s.getVolumeTotal());
        m.put("end_reason", s.getEndReason().name());
        m.put("event_id", s.getEventId());
        return m;
    }

    private static ObjectNode location(Location l) {
        if (l == null) {
            return null;
        }
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("operator_id", l.getOperatorId());
        m.put("operator", l.getOperator());
        m.put("country", l.getCountry());
        m.put("iso_code", l.getIsoCode());
        m.put("mcc", l.getMcc());
        m.put("mnc", l.getMnc());
        m.put("at", time(l.getAt()));
        return m;
    }

    private static ObjectNode rejection(Rejection r) {
        if (r == null) {
            return null;
        }
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("at", time(r.getAt()));
        m.put("reason", r.getReason());
        m.put("event_id", r.getEventId());
        return m;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
