package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.Imsi;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.Sim;
import io.fleetstream.avro.User;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.json.Json;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import static io.fleetstream.schemas.emnify.TolerantFields.number;
import static io.fleetstream.schemas.emnify.TolerantFields.text;
import static io.fleetstream.schemas.emnify.TolerantFields.unknownKeys;
import static io.fleetstream.schemas.emnify.TolerantValues.asBoolean;
import static io.fleetstream.schemas.emnify.TolerantValues.asInt;
import static io.fleetstream.schemas.emnify.TolerantValues.asLong;
import static io.fleetstream.schemas.emnify.TolerantValues.asText;
import static io.fleetstream.schemas.emnify.TolerantValues.describe;
import static io.fleetstream.schemas.emnify.TolerantValues.isAbsent;
import static io.fleetstream.schemas.emnify.TolerantValues.kindOf;

/**
 * The tolerant reader of emnify events: turns one event object, in any of the shapes emnify's sources
 * and API versions produce, into an {@link EmnifyEvent}.
 *
 * <p>It accepts every known drift (time formats, {@code alert} as 1/0, {@code name} for
 * {@code description}, numbers as strings, quota keys in snake_case or camelCase, {@code detail} as a
 * string) and loses nothing: {@code detail} is kept whole, and every key it does not model goes to
 * {@code extra}, nested under its parent key. A known key whose value has a type it cannot use goes to
 * {@code extra} too, instead of failing the event. An event is rejected (never by exception) only when it
 * cannot be identified, placed in time, routed or keyed: no usable {@code id}, {@code timestamp} or
 * {@code event_type.id}, or an {@code endpoint.id}/{@code organisation.id} that is present but not a number; or an
 * {@code id}, {@code endpoint.id} or {@code organisation.id} that is zero or negative (an event without endpoint or
 * organisation is fine: it is keyed by what it has).
 *
 * <p>Keys that go to {@code extra} are collected in a fixed order, whatever order they arrived in: first
 * the known keys with unusable values, in the order fleetstream models them, then unknown keys as met.
 * {@link EmnifyEventWriter} appends unknown keys in {@code extra}'s order, so reading what it wrote gives
 * the same {@code extra} again. Thread-safe and stateless.
 */
public final class EmnifyEventReader implements RecordReader<EmnifyEvent> {

    private static final Set<String> EVENT_KEYS = Set.of("id", "timestamp", "event_type", "event_source",
            "event_severity", "alert", "description", "organisation", "user", "endpoint", "sim", "imsi", "detail");
    private static final Set<String> CODED_VALUE_KEYS = Set.of("id", "description", "name");
    private static final Set<String> ORGANISATION_KEYS = Set.of("id", "name");
    private static final Set<String> USER_KEYS = Set.of("id", "username", "name");
    private static final Set<String> ENDPOINT_KEYS = Set.of("id", "name", "ip_address", "imei", "tags");
    private static final Set<String> SIM_KEYS = Set.of("id", "iccid", "production_date", "msisdn");
    private static final Set<String> IMSI_KEYS = Set.of("id", "imsi", "import_date");

    /** emnify numbers events, endpoints and organisations from 1; the query API refuses anything else as an id. */
    private static final String POSITIVE_IDS = "emnify ids are positive whole numbers";

    private final JsonNodeFactory nodes = Json.mapper().getNodeFactory();

    /**
     * Normalises one event.
     *
     * @param json       one element of a batch, as parsed
     * @param source     where it came from
     * @param receivedAt when fleetstream received it (one instant for a whole request)
     */
    @Override
    public ReadResult<EmnifyEvent> read(JsonNode json, IngestSource source, Instant receivedAt) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (!(json instanceof ObjectNode event)) {
            return new ReadResult.Rejected<>("event is " + (json == null ? "missing" : kindOf(json))
                    + ", not an object; expected one emnify event object");
        }

        JsonNode idNode = event.get("id");
        if (isAbsent(idNode)) {
            return new ReadResult.Rejected<>("id is missing; every emnify event has a numeric id");
        }
        Long id = asLong(idNode);
        if (id == null) {
            return new ReadResult.Rejected<>("id " + describe(idNode) + " is not an event id (expected a whole number such as 176777623)");
        }
        if (id <= 0) {
            return new ReadResult.Rejected<>("id " + id + " is not an event id: " + POSITIVE_IDS);
        }

        JsonNode timestampNode = event.get("timestamp");
        if (isAbsent(timestampNode)) {
            return new ReadResult.Rejected<>("timestamp is missing; every emnify event says when it happened");
        }
        long timestamp = timestampNode.isTextual()
                ? EmnifyTimestamps.parseEpochMillis(timestampNode.textValue())
                : EmnifyTimestamps.INVALID;
        if (timestamp == EmnifyTimestamps.INVALID) {
            return new ReadResult.Rejected<>("timestamp " + describe(timestampNode)
                    + " is not a time emnify sends (expected e.g. " + EmnifyTimestamps.EXAMPLE + ")");
        }

        JsonNode typeNode = event.get("event_type");
        if (isAbsent(typeNode)) {
            return new ReadResult.Rejected<>("event_type is missing; every emnify event has an event_type with an id");
        }
        if (!(typeNode instanceof ObjectNode type)) {
            return new ReadResult.Rejected<>("event_type " + describe(typeNode) + " is not an object with an id");
        }
        JsonNode typeIdNode = type.get("id");
        if (isAbsent(typeIdNode)) {
            return new ReadResult.Rejected<>("event_type has no id; events are routed by event_type.id");
        }
        Integer typeId = asInt(typeIdNode);
        if (typeId == null) {
            return new ReadResult.Rejected<>("event_type.id " + describe(typeIdNode) + " is not a number");
        }

        ExtraFields extra = new ExtraFields(nodes);
        CodedValue eventType = codedValue(type, typeId, "event_type", extra);
        CodedValue eventSource = optionalCodedValue(event.get("event_source"), "event_source", extra);
        CodedValue eventSeverity = optionalCodedValue(event.get("event_severity"), "event_severity", extra);

        boolean alert = false;
        JsonNode alertNode = event.get("alert");
        if (!isAbsent(alertNode)) {
            Boolean value = asBoolean(alertNode);
            if (value == null) {
                extra.put("alert", alertNode);
            } else {
                alert = value;
            }
        }
        String description = text(event, "description", null, extra);

        Organisation organisation = null;
        JsonNode organisationNode = event.get("organisation");
        if (!isAbsent(organisationNode)) {
            if (organisationNode instanceof ObjectNode object && !isAbsent(object.get("id"))) {
                Long organisationId = asLong(object.get("id"));
                if (organisationId == null) {
                    return new ReadResult.Rejected<>("organisation.id " + describe(object.get("id")) + " is not a number");
                }
                if (organisationId <= 0) {
                    return new ReadResult.Rejected<>("organisation.id " + organisationId + " is not an emnify id: " + POSITIVE_IDS);
                }
                organisation = new Organisation(organisationId, text(object, "name", "organisation", extra));
                unknownKeys(object, ORGANISATION_KEYS, "organisation", extra);
            } else {
                // without an id there is nothing to model: keep it as it came
                extra.put("organisation", organisationNode);
            }
        }

        User user = null;
        JsonNode userNode = event.get("user");
        if (!isAbsent(userNode)) {
            if (userNode instanceof ObjectNode object) {
                user = new User(number(object, "id", "user", extra), text(object, "username", "user", extra),
                        text(object, "name", "user", extra));
                unknownKeys(object, USER_KEYS, "user", extra);
            } else {
                extra.put("user", userNode);
            }
        }

        Endpoint endpoint = null;
        JsonNode endpointNode = event.get("endpoint");
        if (!isAbsent(endpointNode)) {
            if (endpointNode instanceof ObjectNode object && !isAbsent(object.get("id"))) {
                Long endpointId = asLong(object.get("id"));
                if (endpointId == null) {
                    return new ReadResult.Rejected<>("endpoint.id " + describe(object.get("id")) + " is not a number");
                }
                if (endpointId <= 0) {
                    return new ReadResult.Rejected<>("endpoint.id " + endpointId + " is not an emnify id: " + POSITIVE_IDS);
                }
                endpoint = new Endpoint(endpointId, text(object, "name", "endpoint", extra),
                        text(object, "ip_address", "endpoint", extra), text(object, "imei", "endpoint", extra),
                        text(object, "tags", "endpoint", extra));
                unknownKeys(object, ENDPOINT_KEYS, "endpoint", extra);
            } else {
                extra.put("endpoint", endpointNode);
            }
        }

        Sim sim = null;
        JsonNode simNode = event.get("sim");
        if (!isAbsent(simNode)) {
            if (simNode instanceof ObjectNode object) {
                sim = new Sim(number(object, "id", "sim", extra), text(object, "iccid", "sim", extra),
                        text(object, "production_date", "sim", extra), text(object, "msisdn", "sim", extra));
                unknownKeys(object, SIM_KEYS, "sim", extra);
            } else {
                extra.put("sim", simNode);
            }
        }

        Imsi imsi = null;
        JsonNode imsiNode = event.get("imsi");
        if (!isAbsent(imsiNode)) {
            if (imsiNode instanceof ObjectNode object) {
                imsi = new Imsi(number(object, "id", "imsi", extra), text(object, "imsi", "imsi", extra),
                        text(object, "import_date", "imsi", extra));
                unknownKeys(object, IMSI_KEYS, "imsi", extra);
            } else {
                extra.put("imsi", imsiNode);
            }
        }

        boolean operatorView = typeId == 1 || typeId == 2 || typeId == 3 || typeId == 5;
        boolean pdpView = typeId == 3 || typeId == 5;
        boolean quotaView = (typeId >= 18 && typeId <= 21) || (typeId >= 56 && typeId <= 61);
        String detail = null;
        DetailEncoding detailEncoding = DetailEncoding.NONE;
        ObjectNode detailObject = null;
        JsonNode detailNode = event.get("detail");
        if (!isAbsent(detailNode)) {
            if (detailNode.isTextual()) {
                detail = detailNode.textValue();
                detailEncoding = DetailEncoding.STRING;
                // parsed only when a typed view needs it: the string itself is what is kept
                detailObject = operatorView || pdpView || quotaView ? StringDetail.parseObject(detail) : null;
            } else {
                detail = JsonText.of(detailNode);
                detailEncoding = DetailEncoding.JSON;
                detailObject = detailNode instanceof ObjectNode object ? object : null;
            }
        }
        VisitedOperator operator = null;
        PdpSession pdp = null;
        QuotaDetail quota = null;
        if (detailObject != null) {
            operator = operatorView ? DetailViews.operator(detailObject) : null;
            pdp = pdpView ? DetailViews.pdp(detailObject) : null;
            quota = quotaView ? DetailViews.quota(detailObject) : null;
        }

        unknownKeys(event, EVENT_KEYS, null, extra);

        return new ReadResult.Accepted<>(new EmnifyEvent(id, Instant.ofEpochMilli(timestamp), eventType, eventSource,
                eventSeverity, alert, description, organisation, user, endpoint, sim, imsi, operator, pdp, quota,
                detail, detailEncoding, extra.toJson(),
                new IngestMetadata(source, Instant.ofEpochMilli(receivedAt.toEpochMilli()))));
    }

    private static CodedValue optionalCodedValue(JsonNode node, String key, ExtraFields extra) {
        if (isAbsent(node)) {
            return null;
        }
        Integer id = node instanceof ObjectNode object ? asInt(object.get("id")) : null;
        if (id == null) {
            extra.put(key, node);
            return null;
        }
        return codedValue((ObjectNode) node, id, key, extra);
    }

    /** {@code {id, description}}; some sources write {@code name} instead of {@code description}. */
    private static CodedValue codedValue(ObjectNode node, int id, String key, ExtraFields extra) {
        JsonNode descriptionNode = node.get("description");
        String description = text(node, "description", key, extra);
        JsonNode nameNode = node.get("name");
        if (!isAbsent(nameNode)) {
            String name = asText(nameNode);
            if (isAbsent(descriptionNode) && name != null) {
                description = name;
            } else {
                extra.putUnder(key, "name", nameNode);
            }
        }
        unknownKeys(node, CODED_VALUE_KEYS, key, extra);
        return new CodedValue(id, description);
    }
}
