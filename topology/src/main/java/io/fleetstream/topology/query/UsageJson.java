package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.usage.UsageBucket;
import io.fleetstream.topology.usage.UsageTotals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * The JSON of a device's usage: the buckets of the granularity that have usage (start → totals per currency) and
 * the range's total. Volumes (MB) and costs are decimal strings, exactly the sums of what emnify sent: a JSON number
 * would be read as a double by most clients, which cannot hold {@code 0.0018851201}.
 */
final class UsageJson {

    private UsageJson() {
    }

    /** @param buckets bucket start (epoch millis) → the usage in it, in time order */
    static ObjectNode device(long endpointId, UsageQuery query, SortedMap<Long, UsageBucket> buckets) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("endpoint_id", endpointId);
        root.put("from", query.from().toString());
        root.put("until", query.until().toString());
        root.put("granularity", query.granularity().parameter());
        UsageBucket total = new UsageBucket();
        ArrayNode list = root.putArray("buckets");
        for (Map.Entry<Long, UsageBucket> entry : buckets.entrySet()) {
            ObjectNode bucket = list.addObject();
            bucket.put("start", Instant.ofEpochMilli(entry.getKey()).toString());
            bucket.put("end", Instant.ofEpochMilli(entry.getKey()).plus(query.granularity().length()).toString());
            totals(bucket.putArray("usage"), entry.getValue());
            total.addAll(entry.getValue());
        }
        totals(root.putArray("total"), total);
        ArrayNode notes = root.putArray("notes");
        query.notes().forEach(notes::add);
        return root;
    }

    /** Appends a bucket's totals, one object per currency, to {@code array}. */
    static void totals(ArrayNode array, UsageBucket bucket) {
        for (UsageTotals t : bucket.totals()) {
            ObjectNode node = array.addObject();
            if (t.currency().isEmpty()) {
                node.putNull("currency");
            } else {
                node.put("currency", t.currency());
            }
            node.put("records", t.records());
            node.put("sms", t.sms());
            ObjectNode volume = node.putObject("volume_mb");
            volume.put("total", decimal(t.volumeTotal()));
            volume.put("rx", decimal(t.volumeRx()));
            volume.put("tx", decimal(t.volumeTx()));
            node.put("cost", decimal(t.cost()));
        }
    }

    /**
     * A bucket read back from its {@link #totals} array, as another instance sent it: the decimal strings read as
     * {@link BigDecimal}s, so sums over instances stay exact.
     */
    static UsageBucket bucket(JsonNode array) {
        UsageBucket bucket = new UsageBucket();
        for (JsonNode t : array) {
            JsonNode volume = t.path("volume_mb");
            bucket.add(new UsageTotals(t.path("currency").isNull() ? "" : t.path("currency").asText(),
                    t.path("records").asLong(), t.path("sms").asLong(), decimal(volume, "total"),
                    decimal(volume, "rx"), decimal(volume, "tx"), decimal(t, "cost")));
        }
        return bucket;
    }

    private static BigDecimal decimal(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isTextual()) {
            throw new PeerFailureException(502, "another instance sent usage without the decimal string " + field);
        }
        return new BigDecimal(value.textValue());
    }

    /** Plain notation, without trailing zeros: {@code 0.0018851201}, {@code 0}. */
    static String decimal(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
