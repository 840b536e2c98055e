package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.usage.SessionUsage;

import java.util.List;

/**
 * The JSON of a session's usage: its id, the span its usage records cover ({@code start}: the earliest record's
 * start, {@code end}: the latest record's end; for an open session, so far), the operator of its latest record and
 * its totals per currency, decimals as strings ({@link UsageJson}). The same object is a session's {@code usage} in
 * a device's state, an entry of the session ledger and the answer about one session.
 */
final class SessionUsageJson {

    private SessionUsageJson() {
    }

    static ObjectNode of(SessionUsage s) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("session_id", s.sessionId());
        node.put("start", s.firstStart().toString());
        node.put("end", s.lastEnd().toString());
        if (s.operatorId() == null && s.operatorName() == null) {
            node.putNull("operator");
        } else {
            node.putObject("operator").put("id", s.operatorId()).put("name", s.operatorName());
        }
        UsageJson.totals(node.putArray("totals"), s.usage());
        return node;
    }

    /** The answer about one session of a device. */
    static ObjectNode one(long endpointId, SessionUsage s) {
        ObjectNode node = Json.mapper().createObjectNode().put("endpoint_id", endpointId);
        node.setAll(of(s));
        return node;
    }

    /** The ledger: a device's sessions whose records meet the range, by start. */
    static ObjectNode ledger(long endpointId, AvailabilityQuery range, List<SessionUsage> sessions) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("endpoint_id", endpointId);
        root.put("from", range.from().toString());
        root.put("until", range.until().toString());
        ArrayNode list = root.putArray("sessions");
        sessions.forEach(s -> list.add(of(s)));
        ArrayNode notes = root.putArray("notes");
        range.notes().forEach(notes::add);
        return root;
    }
}
