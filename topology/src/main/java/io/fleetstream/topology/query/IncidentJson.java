package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.AffectedDevice;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.schemas.json.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Carrier incidents as the query API shows them. The incidents of some partitions are a part; parts of disjoint
 * partitions concatenate, and the answer sorts them by when they opened.
 */
final class IncidentJson {

    private IncidentJson() {
    }

    static ObjectNode of(FleetIncident i) {
        ObjectNode node = Json.mapper().createObjectNode()
                .put("incident_id", i.getIncidentId())
                .put("kind", i.getKind().name().toLowerCase(Locale.ROOT))
                .put("group", i.getGroup())
                .put("operator_id", i.getOperatorId())
                .put("operator", i.getOperator())
                .put("country", i.getCountry())
                .put("mcc", i.getMcc())
                .put("status", i.getStatus().name().toLowerCase(Locale.ROOT))
                .put("opened_at", i.getOpenedAt().toString())
                .put("detected_at", i.getDetectedAt().toString())
                .put("resolved_at", i.getResolvedAt() == null ? null : i.getResolvedAt().toString())
                .put("devices_online_before", i.getDevicesOnlineBefore())
                .put("affected", i.getAffected())
                .put("recovered", i.getRecovered());
        ArrayNode devices = node.putArray("devices");
        for (AffectedDevice d : i.getDevices()) {
            devices.addObject()
                    .put("endpoint_id", d.getEndpointId())
                    .put("offline_at", d.getOfflineAt().toString())
                    .put("online_at", d.getOnlineAt() == null ? null : d.getOnlineAt().toString());
        }
        return node;
    }

    /** A part, as one instance answers another: the incidents of some partitions. */
    static ObjectNode part(List<JsonNode> incidents) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.putArray("incidents").addAll(incidents);
        return root;
    }

    /** The incidents of a part, as JSON objects. */
    static List<JsonNode> items(JsonNode part) {
        List<JsonNode> items = new ArrayList<>();
        part.path("incidents").forEach(items::add);
        return items;
    }

    /** The answer to a client: every part's incidents by opening time (then id), with the range. */
    static ObjectNode answer(IncidentQuery query, List<List<JsonNode>> parts) {
        List<JsonNode> all = new ArrayList<>();
        parts.forEach(all::addAll);
        all.sort(Comparator.<JsonNode, Instant>comparing(n -> Instant.parse(n.path("opened_at").asText()))
                .thenComparing(n -> n.path("incident_id").asText()));
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("from", query.from().toString());
        root.put("until", query.until().toString());
        query.kind().ifPresent(k -> root.put("kind", k.name().toLowerCase(Locale.ROOT)));
        root.put("count", all.size());
        root.putArray("incidents").addAll(all);
        return root;
    }
}
