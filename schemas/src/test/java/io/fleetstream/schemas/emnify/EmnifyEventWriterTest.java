package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;

import static io.fleetstream.schemas.emnify.EmnifyEventReaderTest.event;
import static io.fleetstream.schemas.emnify.EmnifyEventReaderTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

class EmnifyEventWriterTest {

    private static final Instant FIRST_RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final Instant SECOND_RECEIVED = Instant.parse("2025-06-07T08:09:10.111Z");

    private final EmnifyEventReader reader = new EmnifyEventReader();
    private final EmnifyEventWriter writer = new EmnifyEventWriter();

    static List<String> examples() {
        return Examples.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleSurvivesReadWriteRead(String name) throws Exception {
        EmnifyEvent first = read(Examples.json(name), FIRST_RECEIVED);

        byte[] written = Json.mapper().writeValueAsBytes(writer.write(first));
        EmnifyEvent second = read(Json.mapper().readTree(written), SECOND_RECEIVED);

        assertThat(withoutIngest(second)).isEqualTo(withoutIngest(first));
    }

    @Test
    void aDriftingEventSurvivesReadWriteRead() throws Exception {
        ObjectNode json = event(3);
        json.put("id", "31877325941");
        json.put("timestamp", "2021-10-06 10:42:58");
        json.put("alert", "maybe");
        json.set("description", parse("{\"text\": \"structured\"}"));
        json.putObject("event_source").put("id", 1).put("name", "Policy Control");
        json.putObject("event_severity").put("id", 1).put("description", "Warn").put("name", "WARNING").put("level", 3);
        json.set("user", parse("{\"id\": \"u-1\", \"username\": \"jane\", \"mfa\": true}"));
        json.set("endpoint", parse("{\"name\": \"no id here\"}"));
        json.set("sim", parse("{\"id\": 7, \"iccid\": 89883030000012345678, \"status\": {\"id\": 1}}"));
        json.set("keen", parse("{\"id\": \"abc\", \"n\": 500.000000}"));
        json.put("zz_last", 1);
        json.put("detail", "{\"session_id\": \"s-1\", \"pdp_context\": {\"tunnel_created\": \"2021-10-27T08:38:02\"}}");

        EmnifyEvent first = read(json, FIRST_RECEIVED);
        EmnifyEvent second = read(Json.mapper().readTree(Json.mapper().writeValueAsBytes(writer.write(first))), SECOND_RECEIVED);

        assertThat(first.getExtra()).isNotNull();
        assertThat(withoutIngest(second)).isEqualTo(withoutIngest(first));
    }

    @Test
    void writesEmnifysShapeWithCanonicalTimesAndRestoredDetail() {
        EmnifyEvent event = read(Examples.json("012-12-organisation-blocked-legacy-docs.json"), FIRST_RECEIVED);

        JsonNode written = reparsed(writer.write(event));

        // compared as text: the writer's long 4732 and the parser's int 4732 are different node types
        assertThat(written).isEqualTo(parse("""
                {"id": 1697107630311, "timestamp": "2021-10-06T10:42:58.000Z",
                 "event_type": {"id": 12, "description": "Organisation blocked"},
                 "event_source": {"id": 1, "description": "Policy Control"},
                 "event_severity": {"id": 1, "description": "WARN"},
                 "alert": true,
                 "description": "Blocking services for organisation, because of insufficient prepaid balance.",
                 "organisation": {"id": 4732, "name": "Test Org"}}"""));
    }

    @Test
    void aJsonDetailIsWrittenAsJsonAndAStringDetailAsTheString() {
        EmnifyEvent jsonDetail = read(Examples.json("008-5-delete-pdp-docs.json"), FIRST_RECEIVED);
        EmnifyEvent stringDetail = read(Examples.json("029-56-data-quota-assigned-string-detail-1nce.json"), FIRST_RECEIVED);

        assertThat(writer.write(jsonDetail).get("detail").at("/volume/total").decimalValue())
                .isEqualByComparingTo("0.641984");
        assertThat(writer.write(stringDetail).get("detail").textValue())
                .isEqualTo(Examples.json("029-56-data-quota-assigned-string-detail-1nce.json").get("detail").textValue());
    }

    @Test
    void extraKeysGoBackWhereTheyCameFrom() {
        ObjectNode json = event();
        ((ObjectNode) json.get("endpoint")).put("firmware", "1.2.3").set("tags", parse("[\"a\"]"));
        json.set("keen", parse("{\"id\": \"abc\"}"));
        EmnifyEvent event = read(json, FIRST_RECEIVED);

        JsonNode written = reparsed(writer.write(event));

        assertThat(written.get("keen")).isEqualTo(parse("{\"id\": \"abc\"}"));
        assertThat(written.get("endpoint")).isEqualTo(parse("""
                {"id": 20, "name": "dev", "ip_address": "10.0.0.1", "imei": "356938035643809",
                 "tags": ["a"], "firmware": "1.2.3"}"""));
        assertThat(written.has("extra")).isFalse();
    }

    @Test
    void absentObjectsAreOmittedAndNumbersAreNumbers() {
        ObjectNode json = event();
        json.remove("endpoint");
        json.putObject("organisation").put("id", "10").put("name", "Org");
        EmnifyEvent event = read(json, FIRST_RECEIVED);

        ObjectNode written = writer.write(event);

        assertThat(written.has("endpoint")).isFalse();
        assertThat(written.has("detail")).isFalse();
        assertThat(written.at("/organisation/id").isIntegralNumber()).isTrue();
    }

    private static JsonNode reparsed(JsonNode node) {
        return parse(node.toString());
    }

    private EmnifyEvent read(JsonNode json, Instant receivedAt) {
        ReadResult<EmnifyEvent> result = reader.read(json, IngestSource.STREAMER, receivedAt);
        assertThat(result).isInstanceOf(ReadResult.Accepted.class);
        return ((ReadResult.Accepted<EmnifyEvent>) result).record();
    }

    private static EmnifyEvent withoutIngest(EmnifyEvent event) {
        return EmnifyEvent.newBuilder(event)
                .setIngest(new IngestMetadata(IngestSource.UNKNOWN, Instant.EPOCH))
                .build();
    }
}
