package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.availability.AvailabilityReport;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of availability answers. Durations are seconds with millisecond precision (exact decimals), the
 * availability a percentage of the known time with four decimals.
 */
final class AvailabilityJson {

    /** Said in every answer that has unknown time. */
    static final String UNKNOWN_NOTE = "unknown_seconds is time before the first known presence change (no change of "
            + "the device was recorded before it): it is neither online nor offline and is not in availability_percent";

    private AvailabilityJson() {
    }

    static ObjectNode device(long endpointId, AvailabilityQuery query, AvailabilityReport report) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("endpoint_id", endpointId);
        root.put("from", query.from().toString());
        root.put("until", query.until().toString());
        root.put("state_at_from", report.stateAtFrom().name());
        root.put("known_from", report.knownFromMillis().map(t -> Instant.ofEpochMilli(t).toString()).orElse(null));
        root.put("online_seconds", seconds(report.onlineMillis()));
        root.put("offline_seconds", seconds(report.offlineMillis()));
        root.put("unknown_seconds", seconds(report.unknownMillis()));
        root.put("availability_percent", percent(report.onlineMillis(), report.offlineMillis()));
        root.put("outages", report.outages());
        root.put("recovered_outages", report.recoveredOutages());
        root.put("mean_time_to_recover_seconds", mean(report.recoveryMillis(), report.recoveredOutages()));
        var periods = root.putArray("offline_periods");
        for (AvailabilityReport.OfflinePeriod p : report.offlinePeriods()) {
            ObjectNode node = periods.addObject();
            node.put("start", Instant.ofEpochMilli(p.startMillis()).toString());
            node.put("end", Instant.ofEpochMilli(p.endMillis()).toString());
            node.put("seconds", seconds(p.millis()));
            node.put("reason", p.reason());
            if (p.eventId() == null) {
                node.putNull("event_id");
            } else {
                node.put("event_id", p.eventId());
            }
            node.put("began_before_range", p.beganBeforeRange());
            node.put("ended", p.ended());
        }
        notes(root, query.notes(), report.unknownMillis() > 0);
        return root;
    }

    static void notes(ObjectNode root, List<String> notes, boolean unknown) {
        var array = root.putArray("notes");
        notes.forEach(array::add);
        if (unknown) {
            array.add(UNKNOWN_NOTE);
        }
    }

    static BigDecimal seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros();
    }

    /** Reads what {@link #seconds} wrote. */
    static long millis(JsonNode seconds) {
        return seconds.decimalValue().movePointRight(3).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    /** Online over known time in percent, four decimals; null when nothing is known. */
    static BigDecimal percent(long onlineMillis, long offlineMillis) {
        long known = onlineMillis + offlineMillis;
        if (known == 0) {
            return null;
        }
        return BigDecimal.valueOf(onlineMillis).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(known), 4, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /** The mean of {@code count} durations summing to {@code totalMillis}, in seconds; null for none. */
    static BigDecimal mean(long totalMillis, long count) {
        if (count == 0) {
            return null;
        }
        return BigDecimal.valueOf(totalMillis).divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_EVEN)
                .movePointLeft(3).stripTrailingZeros();
    }
}
