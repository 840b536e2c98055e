package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.Imsi;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.Sim;
import io.fleetstream.avro.User;
import io.fleetstream.schemas.json.Json;


/**
 * Writes an {@link EmnifyEvent} back in emnify's own event shape: snake_case keys, times in ISO-8601 UTC
 * with milliseconds, {@code detail} restored from the kept original (parsed JSON, or the string emnify sent)
 * and the {@code extra} keys merged back where they came from. Absent objects are omitted, as emnify's
 * REST API does. The typed views (operator, pdp, quota) are not written: they are derived from the detail,
 * which is written whole. Reading the output with {@link EmnifyEventReader} gives the same event again.
 */
public final class EmnifyEventWriter {

    private final ObjectMapper mapper = Json.mapper();

    public ObjectNode write(EmnifyEvent event) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", event.getId());
        out.put("timestamp", EmnifyTimestamps.format(event.getTimestamp()));
        out.set("event_type", codedValue(event.getEventType()));
        if (event.getEventSource() != null) {
            out.set("event_source", codedValue(event.getEventSource()));
        }
        if (event.getEventSeverity() != null) {
            out.set("event_severity", codedValue(event.getEventSeverity()));
        }
        out.put("alert", event.getAlert());
        out.put("description", event.getDescription());
        Organisation organisation = event.getOrganisation();
        if (organisation != null) {
            out.putObject("organisation")
                    .put("id", organisation.getId())
                    .put("name", organisation.getName());
        }
        User user = event.getUser();
        if (user != null) {
            out.putObject("user")
                    .put("id", user.getId())
                    .put("username", user.getUsername())
                    .put("name", user.getName());
        }
        Endpoint endpoint = event.getEndpoint();
        if (endpoint != null) {
            out.putObject("endpoint")
                    .put("id", endpoint.getId())
                    .put("name", endpoint.getName())
                    .put("ip_address", endpoint.getIpAddress())
                    .put("imei", endpoint.getImei())
                    .put("tags", endpoint.getTags());
        }
        Sim sim = event.getSim();
        if (sim != null) {
            ObjectNode simNode = out.putObject("sim")
                    .put("id", sim.getId())
                    .put("iccid", sim.getIccid())
                    .put("production_date", sim.getProductionDate());
            // only the Data Streamer adds msisdn; the REST API shape has no such key
            if (sim.getMsisdn() != null) {
                simNode.put("msisdn", sim.getMsisdn());
            }
        }
        Imsi imsi = event.getImsi();
        if (imsi != null) {
            out.putObject("imsi")
                    .put("id", imsi.getId())
                    .put("imsi", imsi.getImsi())
                    .put("import_date", imsi.getImportDate());
        }
        switch (event.getDetailEncoding()) {
            case JSON -> out.set("detail", parsedDetail(event.getDetail()));
            case STRING -> out.put("detail", event.getDetail());
            case NONE -> {
                // emnify omits or nulls a missing detail; omitted here, like the REST API
            }
        }
        if (event.getExtra() != null) {
            ExtraFields.restore(mapper, out, event.getExtra(), "event " + event.getId());
        }
        return out;
    }

    private ObjectNode codedValue(CodedValue value) {
        return mapper.createObjectNode()
                .put("id", value.getId())
                .put("description", value.getDescription());
    }

    private JsonNode parsedDetail(String detail) {
        if (detail == null) {
            return mapper.nullNode();
        }
        try {
            return mapper.readTree(detail);
        } catch (JsonProcessingException e) {
            // marked JSON but not parseable (not written by the reader): still hand it out, as text
            return mapper.getNodeFactory().textNode(detail);
        }
    }
}
