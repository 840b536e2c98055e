package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.usage.OperatorDay;
import io.fleetstream.topology.usage.OperatorUsageProcessor;
import io.fleetstream.topology.usage.UsageBucket;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The fleet's usage per operator and UTC day, added up from parts: each partition's partial sums read here, each
 * other instance's part read back from its JSON. Decimals stay exact through both, so the total does not depend on
 * which instance held which partition.
 *
 * <p>Operators are keyed by their emnify id ({@link OperatorUsageProcessor#operatorKey}); the name shown is the
 * latest any part gave. Records without an operator id are one entry with {@code "operator_id": null}.
 */
final class FleetUsage {

    private static final Duration DAY = OperatorUsageProcessor.DAY;

    /** Day start → operator key → usage. */
    private final SortedMap<Long, SortedMap<String, UsageBucket>> days = new TreeMap<>();
    private final Map<String, String> names = new TreeMap<>();

    /** Adds one partition's stored day of one operator. */
    FleetUsage add(long day, String operator, OperatorDay usage) {
        return add(day, operator, usage.operatorName(), usage.usage());
    }

    FleetUsage add(FleetUsage other) {
        other.days.forEach((day, operators) -> operators.forEach((operator, usage) ->
                add(day, operator, other.names.get(operator), usage)));
        return this;
    }

    private FleetUsage add(long day, String operator, String name, UsageBucket usage) {
        days.computeIfAbsent(day, d -> new TreeMap<>()).computeIfAbsent(operator, o -> new UsageBucket()).addAll(usage);
        if (name != null) {
            names.put(operator, name);
        }
        return this;
    }

    /**
     * The answer: per day (those with usage, in order) each operator's usage, then each operator's total over the
     * range.
     */
    ObjectNode toJson(FleetUsageQuery query) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("from", query.from().toString());
        root.put("until", query.until().toString());
        root.put("by", "operator");
        root.put("granularity", "day");
        ArrayNode list = root.putArray("days");
        SortedMap<String, UsageBucket> totals = new TreeMap<>();
        for (Map.Entry<Long, SortedMap<String, UsageBucket>> day : days.entrySet()) {
            ObjectNode node = list.addObject();
            node.put("start", Instant.ofEpochMilli(day.getKey()).toString());
            node.put("end", Instant.ofEpochMilli(day.getKey()).plus(DAY).toString());
            ArrayNode operators = node.putArray("operators");
            day.getValue().forEach((operator, usage) -> {
                UsageJson.totals(operator(operators.addObject(), operator).putArray("usage"), usage);
                totals.computeIfAbsent(operator, o -> new UsageBucket()).addAll(usage);
            });
        }
        ArrayNode operators = root.putArray("operators");
        totals.forEach((operator, usage) -> UsageJson.totals(operator(operators.addObject(), operator).putArray("total"), usage));
        ArrayNode notes = root.putArray("notes");
        query.notes().forEach(notes::add);
        return root;
    }

    private ObjectNode operator(ObjectNode node, String operator) {
        if (operator.equals(OperatorUsageProcessor.NO_OPERATOR)) {
            node.putNull("operator_id");
        } else {
            node.put("operator_id", Long.parseLong(operator));
        }
        node.put("operator", names.get(operator));
        return node;
    }

    /** Another instance's part, as {@link #toJson} wrote it (its {@code days}). */
    static FleetUsage fromJson(JsonNode body) {
        FleetUsage part = new FleetUsage();
        for (JsonNode day : body.path("days")) {
            long start = Instant.parse(day.path("start").asText()).toEpochMilli();
            for (JsonNode operator : day.path("operators")) {
                JsonNode id = operator.path("operator_id");
                String key = id.isNull() || id.isMissingNode() ? OperatorUsageProcessor.NO_OPERATOR : Long.toString(id.asLong());
                String name = operator.path("operator").isTextual() ? operator.path("operator").textValue() : null;
                part.add(start, key, name, UsageJson.bucket(operator.path("usage")));
            }
        }
        return part;
    }
}
