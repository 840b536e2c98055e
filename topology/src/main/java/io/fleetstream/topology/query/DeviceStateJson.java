package io.fleetstream.topology.query;

import io.fleetstream.avro.ClosedSession;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.Location;
import io.fleetstream.avro.OpenSession;
import io.fleetstream.avro.Rejection;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A device's state as the query API shows it: snake_case fields, ISO-8601 UTC times. */
final class DeviceStateJson {

    private DeviceStateJson() {
    }

    static Map<String, Object> of(DeviceState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint_id", s.getEndpointId());
        m.put("organisation_id", s.getOrganisationId());
        m.put("status", s.getStatus().name());
        m.put("online", s.getOnline());
        m.put("offline_due_at", time(s.getOfflineDueAt()));
        m.put("session", session(s.getSession()));
        m.put("last_session", lastSession(s.getLastSession()));
        m.put("location", location(s.getLocation()));
        m.put("last_rejection", rejection(s.getLastRejection()));
        m.put("last_event_id", s.getLastEventId());
        m.put("last_event_at", time(s.getLastEventAt()));
        m.put("presence_changed_at", time(s.getPresenceChangedAt()));
        m.put("sessions", s.getSessions());
        m.put("rejections", s.getRejections());
        return m;
    }

    private static Map<String, Object> session(OpenSession s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.getSessionId());
        m.put("started_at", time(s.getStartedAt()));
        m.put("apn", s.getApn());
        m.put("rat_type", s.getRatType());
        m.put("ue_ip_address", s.getUeIpAddress());
        m.put("operator", s.getOperator());
        m.put("country", s.getCountry());
        return m;
    }

    private static Map<String, Object> lastSession(ClosedSession s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.getSessionId());
        m.put("started_at", time(s.getStartedAt()));
        m.put("ended_at", time(s.getEndedAt()));
        m.put("duration_seconds", s.getDurationMs() == null ? null : s.getDurationMs() / 1000.0);
        m.put("apn", s.getApn());
        m.put("rat_type", s.getRatType());
        m.put("operator", s.getOperator());
        m.put("country", s.getCountry());
        Map<String, Object> volume = new LinkedHashMap<>();
        volume.put("rx", s.getVolumeRx());
        volume.put("tx", s.getVolumeTx());
        volume.put("total", s.getVolumeTotal());
        m.put("volume", volume);
        m.put("end_reason", s.getEndReason().name());
        return m;
    }

    private static Map<String, Object> location(Location l) {
        if (l == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operator_id", l.getOperatorId());
        m.put("operator", l.getOperator());
        m.put("country", l.getCountry());
        m.put("iso_code", l.getIsoCode());
        m.put("mcc", l.getMcc());
        m.put("mnc", l.getMnc());
        m.put("at", time(l.getAt()));
        return m;
    }

    private static Map<String, Object> rejection(Rejection r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", time(r.getAt()));
        m.put("reason", r.getReason());
        m.put("event_id", r.getEventId());
        return m;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
