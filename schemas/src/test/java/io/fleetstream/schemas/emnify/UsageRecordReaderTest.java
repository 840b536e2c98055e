package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UsageRecordReaderTest {

    private static final Instant RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z");

    private final UsageRecordReader reader = new UsageRecordReader();

    private UsageRecord accepted(JsonNode json) {
        ReadResult<UsageRecord> result = reader.read(json, IngestSource.STREAMER, RECEIVED);
        assertThat(result).isInstanceOf(ReadResult.Accepted.class);
        return ((ReadResult.Accepted<UsageRecord>) result).record();
    }

    private String rejected(JsonNode json) {
        ReadResult<UsageRecord> result = reader.read(json, IngestSource.STREAMER, RECEIVED);
        assertThat(result).isInstanceOf(ReadResult.Rejected.class);
        return ((ReadResult.Rejected<UsageRecord>) result).reason();
    }

    private static ObjectNode example() {
        return UsageExamples.json(UsageExamples.DATA);
    }

    @Test
    void readsEveryFieldOfTheDocumentedDataUsageRecord() {
        UsageRecord usage = accepted(example());

        assertThat(usage.getId()).isEqualTo(333333333333333L);
        assertThat(usage.getTrafficType().getId()).isEqualTo(5);
        assertThat(usage.getTrafficType().getDescription()).isEqualTo("Data");
        assertThat(usage.getStartTimestamp()).isEqualTo(Instant.parse("2022-04-26T11:53:43Z"));
        assertThat(usage.getEndTimestamp()).isEqualTo(Instant.parse("2024-02-15T14:56:15.260Z"));
        assertThat(usage.getOrganisation().getId()).isEqualTo(12345L);
        assertThat(usage.getOrganisation().getName()).isEqualTo("Example Organization");
        assertThat(usage.getEndpoint().getId()).isEqualTo(123456789L);
        assertThat(usage.getEndpoint().getName()).isEqualTo("Example Device");
        assertThat(usage.getEndpoint().getIpAddress()).isEqualTo("192.0.2.7");
        assertThat(usage.getEndpoint().getTags()).isEqualTo("V1");
        assertThat(usage.getEndpoint().getImei()).isEqualTo("8677300511111142");
        assertThat(usage.getSim().getId()).isEqualTo(3324192L);
        assertThat(usage.getSim().getIccid()).isEqualTo("89883030000080139311");
        assertThat(usage.getSim().getMsisdn()).isEqualTo("423663920123456");
        assertThat(usage.getSim().getProductionDate()).isEqualTo("2020-09-09T06:42:59Z");
        assertThat(usage.getImsi()).isEqualTo("295050901064821");
        assertThat(usage.getImsiId()).isEqualTo(9624042L);
        assertThat(usage.getOperator().getId()).isEqualTo(5L);
        assertThat(usage.getOperator().getName()).isEqualTo("Telefonica O2");
        assertThat(usage.getOperator().getMnc()).isEqualTo("07");
        assertThat(usage.getOperator().getCountry().getId()).isEqualTo(74L);
        assertThat(usage.getOperator().getCountry().getMcc()).isEqualTo("262");
        assertThat(usage.getOperator().getCountry().getName()).isEqualTo("Germany");
        assertThat(usage.getTariff().getId()).isEqualTo(1L);
        assertThat(usage.getTariff().getName()).isEqualTo("Internal Test Data Plan");
        assertThat(usage.getTariff().getRatezone().getId()).isEqualTo(2L);
        assertThat(usage.getTariff().getRatezone().getName()).isEqualTo("Area 2");
        assertThat(usage.getCurrency().getId()).isEqualTo(1L);
        assertThat(usage.getCurrency().getCode()).isEqualTo("EUR");
        assertThat(usage.getCurrency().getSymbol()).isEqualTo("€");
        // exact, at the schema's scale: not 0.0018851199999999999 nor anything a double would make of it
        assertThat(usage.getCost()).isEqualTo(new BigDecimal("0.0018851200"));
        assertThat(usage.getVolume().getTotal()).isEqualTo(new BigDecimal("0.219933"));
        assertThat(usage.getVolume().getRx()).isEqualTo(new BigDecimal("0.172848"));
        assertThat(usage.getVolume().getTx()).isEqualTo(new BigDecimal("0.047085"));
        assertThat(usage.getSessionId()).isEqualTo("722aeb56-c4de-4753-ac23-4f99c1980c5e");
        assertThat(usage.getSource()).isEqualTo("STREAMER");
        assertThat(usage.getReceivedAt()).isEqualTo(RECEIVED);
        // the one key fleetstream does not model is kept, explicit null and all
        assertThat(json(usage.getExtra())).isEqualTo(json("{\"endpoint\": {\"balance\": null}}"));
    }

    @Test
    void numbersAsStringsReadTheSameAsNumbers() {
        ObjectNode variant = example();
        variant.put("id", "333333333333333");
        variant.put("cost", "0.00188512");
        variant.put("imsi_id", "9624042");
        ((ObjectNode) variant.get("operator")).put("id", "5");
        ((ObjectNode) variant.get("traffic_type")).put("id", "5");
        ObjectNode volume = (ObjectNode) variant.get("volume");
        volume.put("total", "0.219933");
        volume.put("rx", "0.172848");
        volume.put("tx", "0.047085");

        assertThat(accepted(variant)).isEqualTo(accepted(example()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2024-02-15T14:56:15.260Z      | 2024-02-15T14:56:15.260Z",
            "2024-02-15T14:56:15Z          | 2024-02-15T14:56:15Z",
            "2024-02-15T14:56:15           | 2024-02-15T14:56:15Z",
            "2024-02-15 14:56:15           | 2024-02-15T14:56:15Z",
            "2024-02-15T14:56:15.260+0000  | 2024-02-15T14:56:15.260Z",
            "2024-02-15T16:56:15.260+02:00 | 2024-02-15T14:56:15.260Z",
    })
    void acceptsTheTimeFormatsEmnifySends(String sent, String instant) {
        ObjectNode variant = example();
        variant.put("end_timestamp", sent);
        variant.put("start_timestamp", sent);

        UsageRecord usage = accepted(variant);

        assertThat(usage.getEndTimestamp()).isEqualTo(Instant.parse(instant));
        assertThat(usage.getStartTimestamp()).isEqualTo(Instant.parse(instant));
    }

    @Test
    void explicitNullsAndOmittedObjectsAreTheSame() {
        ObjectNode omitted = example();
        ObjectNode nulls = example();
        for (String key : new String[] {"start_timestamp", "organisation", "sim", "imsi", "imsi_id", "operator", "tariff",
                "currency", "cost", "volume", "session_id"}) {
            omitted.remove(key);
            nulls.putNull(key);
        }

        UsageRecord usage = accepted(omitted);

        assertThat(accepted(nulls)).isEqualTo(usage);
        assertThat(usage.getCost()).isNull();
        assertThat(usage.getVolume()).isNull();
        assertThat(usage.getStartTimestamp()).isNull();
        assertThat(usage.getOperator()).isNull();
    }

    @Test
    void anSmsRecordWithTheTrafficTypeAsANumberOrWithANameIsRead() {
        ObjectNode bare = example();
        bare.put("traffic_type", 6);
        ObjectNode named = example();
        named.set("traffic_type", json("{\"id\": 6, \"name\": \"SMS\"}"));

        assertThat(accepted(bare).getTrafficType().getId()).isEqualTo(6);
        assertThat(accepted(named).getTrafficType().getId()).isEqualTo(6);
        assertThat(accepted(named).getTrafficType().getDescription()).isEqualTo("SMS");
    }

    @Test
    void unknownTrafficTypesAreReadForTheTopologyToDeadLetter() {
        ObjectNode variant = example();
        variant.set("traffic_type", json("{\"id\": 9, \"description\": \"Voice\"}"));

        assertThat(accepted(variant).getTrafficType().getId()).isEqualTo(9);
    }

    @Test
    void unknownKeysAndUnusableValuesAreKeptInExtraUnderTheirParent() {
        ObjectNode variant = example();
        variant.set("keen", json("{\"timestamp\": \"x\"}"));
        ((ObjectNode) variant.get("operator").get("country")).put("iso_code", "DE");
        ((ObjectNode) variant.get("tariff").get("ratezone")).put("zone_type", 3);
        ((ObjectNode) variant.get("sim")).set("iccid", json("[1, 2]"));
        variant.put("start_timestamp", "yesterday");

        UsageRecord usage = accepted(variant);

        assertThat(json(usage.getExtra())).isEqualTo(json("{"
                + "\"start_timestamp\": \"yesterday\","
                + "\"endpoint\": {\"balance\": null},"
                + "\"sim\": {\"iccid\": [1, 2]},"
                + "\"operator\": {\"country\": {\"iso_code\": \"DE\"}},"
                + "\"tariff\": {\"ratezone\": {\"zone_type\": 3}},"
                + "\"keen\": {\"timestamp\": \"x\"}}"));
        assertThat(usage.getStartTimestamp()).isNull();
        assertThat(usage.getSim().getIccid()).isNull();
        assertThat(usage.getOperator().getCountry().getMcc()).isEqualTo("262");
    }

    @Test
    void trailingZerosAreNotDecimalPlacesThatWouldBeLost() {
        ObjectNode variant = example();
        variant.set("cost", json("0.001885120000000000"));
        ((ObjectNode) variant.get("volume")).put("total", "0.21993300000");

        UsageRecord usage = accepted(variant);

        assertThat(usage.getCost()).isEqualTo(new BigDecimal("0.0018851200"));
        assertThat(usage.getVolume().getTotal()).isEqualTo(new BigDecimal("0.219933"));
    }

    @Test
    void aCostADoubleCannotHoldIsKeptToTheLastDigit() {
        ObjectNode variant = example();
        variant.set("cost", json("12345678901234.0123456789"));

        assertThat(accepted(variant).getCost()).isEqualTo(new BigDecimal("12345678901234.0123456789"));
    }

    @Test
    void anImsiObjectAsEventsCarryItIsReadToo() {
        ObjectNode variant = example();
        variant.remove("imsi_id");
        variant.set("imsi", json("{\"id\": 9624042, \"imsi\": \"295050901064821\"}"));

        UsageRecord usage = accepted(variant);

        assertThat(usage.getImsi()).isEqualTo("295050901064821");
        assertThat(usage.getImsiId()).isEqualTo(9624042L);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "id                | \"abc\"                   | id 'abc' is not a number",
            "id                | 0                         | id 0 is not an emnify id",
            "id                | null                      | id is missing",
            "traffic_type      | null                      | traffic_type is missing",
            "traffic_type      | {\"description\": \"Data\"} | traffic_type has no id",
            "traffic_type      | {\"id\": \"data\"}          | traffic_type.id 'data' is not a number",
            "end_timestamp     | null                      | end_timestamp is missing",
            "end_timestamp     | \"15.02.2024\"            | end_timestamp '15.02.2024' is not a time emnify sends",
            "cost              | \"free\"                  | cost 'free' is not a number",
            "cost              | 0.00000000001             | cost 1E-11 has more than 10 decimal places",
            "cost              | 1e30                      | cost 1E+30 is too large",
            "volume            | 0.5                       | volume 0.5 is not an object",
            "volume            | {\"total\": \"lots\"}       | volume.total 'lots' is not a number",
            "volume            | {\"rx\": 0.0000001}         | volume.rx 1E-7 has more than 6 decimal places",
            "endpoint          | {\"id\": \"device-1\"}      | endpoint.id 'device-1' is not a number",
            "organisation      | {\"id\": -4}               | organisation.id -4 is not an emnify id",
    })
    void aRecordThatCannotBeKeptExactlyIsRejectedWithAReasonNamingTheField(String field, String value, String reason) {
        ObjectNode variant = example();
        variant.set(field, json(value));

        assertThat(rejected(variant)).startsWith(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"usage\"", "42", "null"})
    void anElementThatIsNotAnObjectIsRejected(String element) {
        assertThat(rejected(json(element))).contains("not an object");
    }

    @Test
    void whatTheWriterWritesReadsAsTheSameRecord() {
        ObjectNode variant = example();
        variant.set("keen", json("{\"timestamp\": \"x\"}"));
        ((ObjectNode) variant.get("operator").get("country")).put("iso_code", "DE");
        variant.put("start_timestamp", "yesterday");
        UsageRecord usage = accepted(variant);

        ObjectNode written = new UsageRecordWriter().write(usage);

        assertThat(accepted(written)).isEqualTo(usage);
        assertThat(written.get("cost").decimalValue()).isEqualTo(new BigDecimal("0.00188512"));
        assertThat(written.get("start_timestamp").asText()).isEqualTo("yesterday");
        assertThat(written.get("end_timestamp").asText()).isEqualTo("2024-02-15T14:56:15.260Z");
    }

    @Test
    void theStreamTypeOfARecordIsToldByItsKeys() {
        assertThat(EmnifyStreamType.of(example())).isEqualTo(EmnifyStreamType.USAGE);
        assertThat(EmnifyStreamType.of(Examples.json("008-5-delete-pdp-docs.json"))).isEqualTo(EmnifyStreamType.EVENTS);
        assertThat(EmnifyStreamType.of(Examples.json("019-20-sms-quota-threshold-reached-docs.json")))
                .as("an SMS quota event has a traffic_type, but in its detail").isEqualTo(EmnifyStreamType.EVENTS);
        assertThat(EmnifyStreamType.of(json("{\"id\": 1}"))).isNull();
        assertThat(EmnifyStreamType.of(json("{\"event_type\": {\"id\": 3}, \"traffic_type\": {\"id\": 5}}"))).isNull();
        assertThat(EmnifyStreamType.of(json("[]"))).isNull();
        assertThat(EmnifyStreamType.USAGE.keysIn(example())).isEqualTo("traffic_type, start_timestamp, end_timestamp, cost");
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
