package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.Currency;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Ratezone;
import io.fleetstream.avro.Tariff;
import io.fleetstream.avro.TrafficType;
import io.fleetstream.avro.UsageCountry;
import io.fleetstream.avro.UsageEndpoint;
import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageOrganisation;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.avro.UsageSim;
import io.fleetstream.avro.UsageVolume;
import io.fleetstream.schemas.json.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import static io.fleetstream.schemas.emnify.TolerantFields.number;
import static io.fleetstream.schemas.emnify.TolerantFields.text;
import static io.fleetstream.schemas.emnify.TolerantFields.unknownKeys;
import static io.fleetstream.schemas.emnify.TolerantValues.asDecimal;
import static io.fleetstream.schemas.emnify.TolerantValues.asInt;
import static io.fleetstream.schemas.emnify.TolerantValues.asLong;
import static io.fleetstream.schemas.emnify.TolerantValues.asText;
import static io.fleetstream.schemas.emnify.TolerantValues.describe;
import static io.fleetstream.schemas.emnify.TolerantValues.isAbsent;
import static io.fleetstream.schemas.emnify.TolerantValues.kindOf;

/**
 * The tolerant reader of emnify usage records (the Data Streamer's stream type "usage"): turns one record, in the
 * shapes emnify sends, into a {@link UsageRecord}, with the same tolerance as {@link EmnifyEventReader}: times with or
 * without zone and milliseconds (or with a space for the {@code T}), numbers as strings, identifiers as numbers,
 * {@code name} for {@code description}, absent and {@code null} alike. Nothing is lost: every key it does not model,
 * and a known key whose value has a type it cannot use, go to {@code extra}, nested under their parent key.
 *
 * <p>{@code cost} and {@code volume} are read as exact decimals, never through a double, and kept at the schema's
 * scale (10 decimal places for cost, 6 for volumes in MB). A figure that cannot be kept exactly (not a number, more
 * decimal places than the schema holds, too large) rejects the record rather than being rounded or dropped: a usage
 * record without its true cost would look free. A record is also rejected when it cannot be identified, placed in
 * time, routed or keyed: no usable {@code id}, {@code end_timestamp} or {@code traffic_type.id}, or an
 * {@code endpoint.id}/{@code organisation.id} that is present but not a positive number. Thread-safe and stateless.
 */
public final class UsageRecordReader implements RecordReader<UsageRecord> {

    /** The scale and the largest digits before the point of {@code cost}: as in UsageRecord.avsc (precision 24). */
    public static final int COST_SCALE = 10;
    /** The scale of volumes (MB): as in UsageRecord.avsc (precision 24). */
    public static final int VOLUME_SCALE = 6;
    private static final int PRECISION = 24;

    private static final Set<String> RECORD_KEYS = Set.of("id", "traffic_type", "start_timestamp", "end_timestamp",
            "organisation", "endpoint", "sim", "imsi", "imsi_id", "operator", "tariff", "currency", "cost", "volume",
            "session_id");
    private static final Set<String> CODED_VALUE_KEYS = Set.of("id", "description", "name");
    private static final Set<String> ID_NAME_KEYS = Set.of("id", "name");
    private static final Set<String> ENDPOINT_KEYS = Set.of("id", "name", "ip_address", "imei", "tags");
    private static final Set<String> SIM_KEYS = Set.of("id", "iccid", "msisdn", "production_date");
    private static final Set<String> IMSI_OBJECT_KEYS = Set.of("id", "imsi");
    private static final Set<String> OPERATOR_KEYS = Set.of("id", "name", "mnc", "country");
    private static final Set<String> COUNTRY_KEYS = Set.of("id", "mcc", "name");
    private static final Set<String> TARIFF_KEYS = Set.of("id", "name", "ratezone");
    private static final Set<String> CURRENCY_KEYS = Set.of("id", "code", "symbol");
    private static final Set<String> VOLUME_KEYS = Set.of("total", "rx", "tx");

    private static final String POSITIVE_IDS = "emnify ids are positive whole numbers";

    private final JsonNodeFactory nodes = Json.mapper().getNodeFactory();

    /**
     * Normalises one usage record.
     *
     * @param json       one element of a batch, as parsed
     * @param source     where it came from
     * @param receivedAt when fleetstream received it (one instant for a whole request)
     */
    @Override
    public ReadResult<UsageRecord> read(JsonNode json, IngestSource source, Instant receivedAt) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (!(json instanceof ObjectNode usage)) {
            return new ReadResult.Rejected<>("usage record is " + (json == null ? "missing" : kindOf(json))
                    + ", not an object; expected one emnify usage record object");
        }
        try {
            return new ReadResult.Accepted<>(read(usage, source, receivedAt));
        } catch (Refusal refusal) {
            return new ReadResult.Rejected<>(refusal.getMessage());
        }
    }

    private UsageRecord read(ObjectNode usage, IngestSource source, Instant receivedAt) {
        long id = positiveId(usage.get("id"), "id", "every emnify usage record has a numeric id");
        TrafficType trafficType = trafficType(usage.get("traffic_type"));
        JsonNode endNode = usage.get("end_timestamp");
        if (isAbsent(endNode)) {
            throw new Refusal("end_timestamp is missing; every emnify usage record says when the usage it counts ended");
        }
        long end = endNode.isTextual() ? EmnifyTimestamps.parseEpochMillis(endNode.textValue()) : EmnifyTimestamps.INVALID;
        if (end == EmnifyTimestamps.INVALID) {
            throw new Refusal("end_timestamp " + describe(endNode) + " is not a time emnify sends (expected e.g. "
                    + EmnifyTimestamps.EXAMPLE + ")");
        }

        ExtraFields extra = new ExtraFields(nodes);
        Instant start = null;
        JsonNode startNode = usage.get("start_timestamp");
        if (!isAbsent(startNode)) {
            long millis = startNode.isTextual() ? EmnifyTimestamps.parseEpochMillis(startNode.textValue()) : EmnifyTimestamps.INVALID;
            if (millis == EmnifyTimestamps.INVALID) {
                extra.put("start_timestamp", startNode);
            } else {
                start = Instant.ofEpochMilli(millis);
            }
        }
        if (usage.get("traffic_type") instanceof ObjectNode object) {
            // as for events' coded values: name stands in for a missing description, and is kept when not used
            JsonNode description = object.get("description");
            JsonNode name = object.get("name");
            if (!isAbsent(description) && asText(description) == null) {
                extra.putUnder("traffic_type", "description", description);
            }
            if (!isAbsent(name) && (!isAbsent(description) || asText(name) == null)) {
                extra.putUnder("traffic_type", "name", name);
            }
            unknownKeys(object, CODED_VALUE_KEYS, "traffic_type", extra);
        }

        UsageOrganisation organisation = null;
        JsonNode organisationNode = usage.get("organisation");
        if (!isAbsent(organisationNode)) {
            if (organisationNode instanceof ObjectNode object && !isAbsent(object.get("id"))) {
                organisation = new UsageOrganisation(positiveId(object.get("id"), "organisation.id", null),
                        text(object, "name", "organisation", extra));
                unknownKeys(object, ID_NAME_KEYS, "organisation", extra);
            } else {
                extra.put("organisation", organisationNode);
            }
        }

        UsageEndpoint endpoint = null;
        JsonNode endpointNode = usage.get("endpoint");
        if (!isAbsent(endpointNode)) {
            if (endpointNode instanceof ObjectNode object && !isAbsent(object.get("id"))) {
                endpoint = new UsageEndpoint(positiveId(object.get("id"), "endpoint.id", null),
                        text(object, "name", "endpoint", extra), text(object, "ip_address", "endpoint", extra),
                        text(object, "imei", "endpoint", extra), text(object, "tags", "endpoint", extra));
                unknownKeys(object, ENDPOINT_KEYS, "endpoint", extra);
            } else {
                extra.put("endpoint", endpointNode);
            }
        }

        UsageSim sim = null;
        JsonNode simNode = usage.get("sim");
        if (!isAbsent(simNode)) {
            if (simNode instanceof ObjectNode object) {
                sim = new UsageSim(number(object, "id", "sim", extra), text(object, "iccid", "sim", extra),
                        text(object, "msisdn", "sim", extra), text(object, "production_date", "sim", extra));
                unknownKeys(object, SIM_KEYS, "sim", extra);
            } else {
                extra.put("sim", simNode);
            }
        }

        // the usage record has the IMSI as a string next to its id; events have an {id, imsi} object: accept both
        String imsi = null;
        Long imsiId = number(usage, "imsi_id", null, extra);
        JsonNode imsiNode = usage.get("imsi");
        if (!isAbsent(imsiNode)) {
            if (imsiNode instanceof ObjectNode object) {
                imsi = text(object, "imsi", "imsi", extra);
                Long objectId = number(object, "id", "imsi", extra);
                if (imsiId == null) {
                    imsiId = objectId;
                } else if (objectId != null && !objectId.equals(imsiId)) {
                    extra.putUnder("imsi", "id", object.get("id"));
                }
                unknownKeys(object, IMSI_OBJECT_KEYS, "imsi", extra);
            } else {
                imsi = asText(imsiNode);
                if (imsi == null) {
                    extra.put("imsi", imsiNode);
                }
            }
        }

        UsageOperator operator = null;
        JsonNode operatorNode = usage.get("operator");
        if (!isAbsent(operatorNode)) {
            if (operatorNode instanceof ObjectNode object) {
                UsageCountry country = null;
                JsonNode countryNode = object.get("country");
                if (!isAbsent(countryNode)) {
                    if (countryNode instanceof ObjectNode countryObject) {
                        ExtraFields countryExtra = new ExtraFields(nodes);
                        country = new UsageCountry(number(countryObject, "id", "country", countryExtra),
                                text(countryObject, "mcc", "country", countryExtra),
                                text(countryObject, "name", "country", countryExtra));
                        unknownKeys(countryObject, COUNTRY_KEYS, "country", countryExtra);
                        countryExtra.mergeUnder("operator", extra);
                    } else {
                        extra.putUnder("operator", "country", countryNode);
                    }
                }
                operator = new UsageOperator(number(object, "id", "operator", extra), text(object, "name", "operator", extra),
                        text(object, "mnc", "operator", extra), country);
                unknownKeys(object, OPERATOR_KEYS, "operator", extra);
            } else {
                extra.put("operator", operatorNode);
            }
        }

        Tariff tariff = null;
        JsonNode tariffNode = usage.get("tariff");
        if (!isAbsent(tariffNode)) {
            if (tariffNode instanceof ObjectNode object) {
                Ratezone ratezone = null;
                JsonNode ratezoneNode = object.get("ratezone");
                if (!isAbsent(ratezoneNode)) {
                    if (ratezoneNode instanceof ObjectNode ratezoneObject) {
                        ExtraFields ratezoneExtra = new ExtraFields(nodes);
                        ratezone = new Ratezone(number(ratezoneObject, "id", "ratezone", ratezoneExtra),
                                text(ratezoneObject, "name", "ratezone", ratezoneExtra));
                        unknownKeys(ratezoneObject, ID_NAME_KEYS, "ratezone", ratezoneExtra);
                        ratezoneExtra.mergeUnder("tariff", extra);
                    } else {
                        extra.putUnder("tariff", "ratezone", ratezoneNode);
                    }
                }
                tariff = new Tariff(number(object, "id", "tariff", extra), text(object, "name", "tariff", extra), ratezone);
                unknownKeys(object, TARIFF_KEYS, "tariff", extra);
            } else {
                extra.put("tariff", tariffNode);
            }
        }

        Currency currency = null;
        JsonNode currencyNode = usage.get("currency");
        if (!isAbsent(currencyNode)) {
            if (currencyNode instanceof ObjectNode object) {
                currency = new Currency(number(object, "id", "currency", extra), text(object, "code", "currency", extra),
                        text(object, "symbol", "currency", extra));
                unknownKeys(object, CURRENCY_KEYS, "currency", extra);
            } else if (currencyNode.isTextual()) {
                // a bare ISO code
                currency = new Currency(null, currencyNode.textValue(), null);
            } else {
                extra.put("currency", currencyNode);
            }
        }

        BigDecimal cost = decimal(usage.get("cost"), "cost", COST_SCALE, "costs");

        UsageVolume volume = null;
        JsonNode volumeNode = usage.get("volume");
        if (!isAbsent(volumeNode)) {
            if (!(volumeNode instanceof ObjectNode object)) {
                throw new Refusal("volume " + describe(volumeNode) + " is not an object {total, rx, tx} of MB");
            }
            volume = new UsageVolume(decimal(object.get("total"), "volume.total", VOLUME_SCALE, "volumes"),
                    decimal(object.get("rx"), "volume.rx", VOLUME_SCALE, "volumes"),
                    decimal(object.get("tx"), "volume.tx", VOLUME_SCALE, "volumes"));
            unknownKeys(object, VOLUME_KEYS, "volume", extra);
        }

        String sessionId = null;
        JsonNode sessionNode = usage.get("session_id");
        if (!isAbsent(sessionNode)) {
            sessionId = asText(sessionNode);
            if (sessionId == null) {
                extra.put("session_id", sessionNode);
            }
        }

        unknownKeys(usage, RECORD_KEYS, null, extra);

        return UsageRecord.newBuilder()
                .setId(id)
                .setTrafficType(trafficType)
                .setStartTimestamp(start)
                .setEndTimestamp(Instant.ofEpochMilli(end))
                .setOrganisation(organisation)
                .setEndpoint(endpoint)
                .setSim(sim)
                .setImsi(imsi)
                .setImsiId(imsiId)
                .setOperator(operator)
                .setTariff(tariff)
                .setCurrency(currency)
                .setCost(cost)
                .setVolume(volume)
                .setSessionId(sessionId)
                .setExtra(extra.toJson())
                .setSource(source.name())
                .setReceivedAt(Instant.ofEpochMilli(receivedAt.toEpochMilli()))
                .build();
    }

    /** {@code {id, description}} ({@code name} for description tolerated), or the id alone as a number. */
    private static TrafficType trafficType(JsonNode node) {
        if (isAbsent(node)) {
            throw new Refusal("traffic_type is missing; usage records are routed by traffic_type.id (5 Data, 6 SMS)");
        }
        JsonNode idNode = node instanceof ObjectNode object ? object.get("id") : node;
        if (node instanceof ObjectNode && isAbsent(idNode)) {
            throw new Refusal("traffic_type has no id; usage records are routed by traffic_type.id (5 Data, 6 SMS)");
        }
        Integer id = asInt(idNode);
        if (id == null) {
            throw new Refusal((node instanceof ObjectNode ? "traffic_type.id " + describe(idNode) : "traffic_type " + describe(node))
                    + " is not a number; usage records are routed by traffic_type.id (5 Data, 6 SMS)");
        }
        String description = null;
        if (node instanceof ObjectNode object) {
            JsonNode descriptionNode = object.get("description");
            description = isAbsent(descriptionNode) ? asTextOrNull(object.get("name")) : asText(descriptionNode);
        }
        return new TrafficType(id, description);
    }

    private static String asTextOrNull(JsonNode node) {
        return isAbsent(node) ? null : asText(node);
    }

    /** A required positive id; {@code missing} is the reason when absent (null: the caller checked it is present). */
    private static long positiveId(JsonNode node, String field, String missing) {
        if (isAbsent(node)) {
            throw new Refusal(field + " is missing; " + missing);
        }
        Long value = asLong(node);
        if (value == null) {
            throw new Refusal(field + " " + describe(node) + " is not a number");
        }
        if (value <= 0) {
            throw new Refusal(field + " " + value + " is not an emnify id: " + POSITIVE_IDS);
        }
        return value;
    }

    /**
     * An exact decimal at {@code scale}, or null when absent. Trailing zeros do not count as places
     * ({@code "0.100000000000"} is 0.1), so only digits that would be lost refuse the record.
     */
    private static BigDecimal decimal(JsonNode node, String field, int scale, String what) {
        if (isAbsent(node)) {
            return null;
        }
        BigDecimal value = asDecimal(node);
        if (value == null) {
            throw new Refusal(field + " " + describe(node) + " is not a number");
        }
        BigDecimal exact = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        if (exact.scale() > scale) {
            throw new Refusal(field + " " + describe(node) + " has more than " + scale
                    + " decimal places; fleetstream keeps " + what + " exactly and never rounds them");
        }
        if ((long) exact.precision() - exact.scale() > PRECISION - scale) {
            throw new Refusal(field + " " + describe(node) + " is too large: at most " + (PRECISION - scale)
                    + " digits before the decimal point");
        }
        return exact.setScale(scale);
    }

    /** Why a record is rejected; thrown and caught within one read, so without a stack trace. */
    private static final class Refusal extends RuntimeException {
        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }
}
