package io.fleetstream.topology.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written {@link QuotaExamples} say what their JSON files say, so the ledger tests built on
 * them test the real payloads. The files come from the schemas test-jar.
 */
class QuotaExamplesTest {

    /** "key": value pairs of the pseudo-JSON detail string of example 029 (its dates are unquoted). */
    private static final Pattern PSEUDO_JSON_PAIR = Pattern.compile("\"(\\w+)\"\\s*:\\s*([^,}]+)");

    static List<QuotaExamples.Example> examples() {
        return QuotaExamples.all();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void envelopeMatchesTheExampleFile(QuotaExamples.Example example) throws IOException {
        JsonNode json = read(example.file());
        EmnifyEvent event = example.event();

        assertThat(event.getId()).isEqualTo(json.get("id").asLong());
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse(json.get("timestamp").asText()));
        assertThat(event.getEventType().getId()).isEqualTo(json.at("/event_type/id").asInt());
        assertThat(event.getEventType().getDescription()).isEqualTo(json.at("/event_type/description").asText());
        assertThat(event.getEventSource().getId()).isEqualTo(json.at("/event_source/id").asInt());
        assertThat(event.getEventSeverity().getId()).isEqualTo(json.at("/event_severity/id").asInt());
        assertThat(event.getAlert()).isEqualTo(json.get("alert").asBoolean());
        assertThat(event.getDescription()).isEqualTo(json.get("description").asText());
        assertThat(event.getOrganisation().getId()).isEqualTo(json.at("/organisation/id").asLong());
        assertThat(event.getOrganisation().getName()).isEqualTo(json.at("/organisation/name").asText());
        if (json.hasNonNull("endpoint")) {
            assertThat(event.getEndpoint().getId()).isEqualTo(json.at("/endpoint/id").asLong());
            assertThat(event.getEndpoint().getName()).isEqualTo(json.at("/endpoint/name").asText());
            assertThat(event.getEndpoint().getImei()).isEqualTo(json.at("/endpoint/imei").asText());
            assertThat(event.getEndpoint().getIpAddress()).isEqualTo(json.at("/endpoint/ip_address").asText());
            assertThat(event.getSim().getIccid()).isEqualTo(json.at("/sim/iccid").asText());
            assertThat(event.getImsi().getImsi()).isEqualTo(json.at("/imsi/imsi").asText());
        } else {
            assertThat(event.getEndpoint()).isNull();
            assertThat(event.getSim()).isNull();
            assertThat(event.getImsi()).isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void quotaDetailMatchesTheExampleFile(QuotaExamples.Example example) throws IOException {
        JsonNode detail = read(example.file()).get("detail");
        QuotaDetail quota = example.event().getQuota();
        if (detail == null || detail.isNull()) {
            assertThat(quota).isNull();
            assertThat(example.event().getDetail()).isNull();
            return;
        }
        JsonNode fields;
        if (detail.isTextual()) {
            assertThat(example.event().getDetail()).isEqualTo(detail.asText());
            fields = pseudoJson(detail.asText());
        } else {
            assertThat(Json.mapper().readTree(example.event().getDetail())).isEqualTo(detail);
            fields = detail.get("quota");
        }

        assertThat(quota.getVolume()).isEqualTo(number(fields, "volume"));
        assertThat(quota.getThresholdPercentage()).isEqualTo(number(fields, "threshold_percentage", "thresholdPercentage"));
        assertThat(quota.getThresholdVolume()).isEqualTo(number(fields, "threshold_volume", "thresholdVolume"));
        assertThat(quota.getLastVolumeAdded()).isEqualTo(number(fields, "last_volume_added", "lastVolumeAdded"));
        assertThat(quota.getExpiry()).isEqualTo(instant(fields, "expiry_date", "expiryDate"));
        assertThat(quota.getLastStatusChange()).isEqualTo(instant(fields, "last_status_change_date", "lastStatusChangeDate"));
        assertThat(quota.getAutoRefill()).isEqualTo(flag(fields, "auto_refill", "autoRefill"));
        assertThat(quota.getStatusId()).isEqualTo(integer(fields, "quota_status_id", "status/id"));
        assertThat(quota.getActionOnExhaustionId()).isEqualTo(integer(fields, "action_on_quota_exhaustion_id",
                "action_on_exhaustion/id"));
        assertThat(quota.getPeakThroughput()).isEqualTo(longValue(fields, "peak_throughput",
                "action_on_exhaustion/peak_throughput"));
        assertThat(quota.getEndpointQuotaId()).isEqualTo(longValue(fields, "endpoint_quota_id"));
        assertThat(quota.getTrafficTypeId()).isEqualTo(integer(fields, "traffic_type/id"));
    }

    private static JsonNode read(String file) throws IOException {
        try (InputStream in = QuotaExamplesTest.class.getResourceAsStream("/examples/" + file)) {
            assertThat(in).as("example %s on the test classpath (schemas test-jar)", file).isNotNull();
            return Json.mapper().readTree(in);
        }
    }

    private static ObjectNode pseudoJson(String text) {
        ObjectNode fields = Json.mapper().createObjectNode();
        Matcher m = PSEUDO_JSON_PAIR.matcher(text);
        while (m.find()) {
            fields.put(m.group(1), m.group(2).strip());
        }
        return fields;
    }

    /** The first of the keys (a/b for nested ones) present, or null. */
    private static JsonNode field(JsonNode fields, String... keys) {
        for (String key : keys) {
            JsonNode node = fields.at("/" + key);
            if (!node.isMissingNode() && !node.isNull()) {
                return node;
            }
        }
        return null;
    }

    private static Double number(JsonNode fields, String... keys) {
        JsonNode node = field(fields, keys);
        return node == null ? null : Double.valueOf(node.asText());
    }

    private static Integer integer(JsonNode fields, String... keys) {
        JsonNode node = field(fields, keys);
        return node == null ? null : Integer.valueOf(node.asText());
    }

    private static Long longValue(JsonNode fields, String... keys) {
        JsonNode node = field(fields, keys);
        return node == null ? null : Long.valueOf(node.asText());
    }

    private static Boolean flag(JsonNode fields, String... keys) {
        JsonNode node = field(fields, keys);
        return node == null ? null : Boolean.valueOf(node.asText());
    }

    private static Instant instant(JsonNode fields, String... keys) {
        JsonNode node = field(fields, keys);
        return node == null ? null : Instant.parse(node.asText());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void theIngestReaderProducesTheSameQuotaViewAndTheLedgerTheSameState(QuotaExamples.Example example) throws IOException {
        EmnifyEvent handBuilt = example.event();
        ReadResult<EmnifyEvent> result = new EmnifyEventReader().read(read(example.file()), IngestSource.STREAMER,
                handBuilt.getIngest().getReceivedAt());

        assertThat(result).isInstanceOf(ReadResult.Accepted.class);
        EmnifyEvent fromReader = ((ReadResult.Accepted<EmnifyEvent>) result).record();
        assertThat(fromReader.getQuota()).isEqualTo(handBuilt.getQuota());
        QuotaLedger ledger = new QuotaLedger();
        assertThat(ledger.apply(null, fromReader)).isEqualTo(ledger.apply(null, handBuilt));
    }
}
