package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per kind of format drift emnify is known for, and one per reason to reject an event. */
class EmnifyEventReaderTest {

    private static final Instant RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z");

    private final EmnifyEventReader reader = new EmnifyEventReader();

    // ---- timestamps

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2021-10-27T11:59:29.000Z     | 2021-10-27T11:59:29Z",
            "2022-03-27T23:20:49.298Z     | 2022-03-27T23:20:49.298Z",
            "2017-10-26T07:28:00.000+0000 | 2017-10-26T07:28:00Z",
            "2021-10-27T15:17:23Z         | 2021-10-27T15:17:23Z",
            "2021-10-06 10:42:58          | 2021-10-06T10:42:58Z",
            "2021-10-27T15:17:23+00:00    | 2021-10-27T15:17:23Z",
    })
    void readsEveryTimestampFormat(String timestamp, String expected) {
        EmnifyEvent event = accept(event().put("timestamp", timestamp));

        assertThat(event.getTimestamp()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void tunnelCreatedWithoutZoneIsUtc() {
        ObjectNode json = event(3);
        json.putObject("detail").put("session_id", "s-1").putObject("pdp_context").put("tunnel_created", "2021-10-27T08:38:02");

        assertThat(accept(json).getPdp().getTunnelCreated()).isEqualTo(Instant.parse("2021-10-27T08:38:02Z"));
    }

    @Test
    void receivedAtIsKeptToTheMillisecondWithTheSource() {
        EmnifyEvent event = ((ReadResult.Accepted<EmnifyEvent>) reader.read(event(), IngestSource.API,
                Instant.parse("2025-01-02T03:04:05.678912Z"))).record();

        assertThat(event.getIngest().getReceivedAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z"));
        assertThat(event.getIngest().getSource()).isEqualTo(IngestSource.API);
    }

    // ---- alert

    @ParameterizedTest(name = "alert {0}")
    @CsvSource({"true,true", "false,false", "1,true", "0,false", "'\"true\"',true", "'\"false\"',false", "'\"1\"',true", "'\"0\"',false", "'\"TRUE\"',true"})
    void readsAlertAsBooleanNumberOrString(String alertJson, boolean expected) {
        ObjectNode json = event();
        json.set("alert", parse(alertJson));

        EmnifyEvent event = accept(json);

        assertThat(event.getAlert()).isEqualTo(expected);
        assertThat(event.getExtra()).isNull();
    }

    @Test
    void anAlertThatIsNoBooleanIsKeptInExtraAndCountsAsFalse() {
        EmnifyEvent event = accept(event().put("alert", "maybe"));

        assertThat(event.getAlert()).isFalse();
        assertThat(parse(event.getExtra())).isEqualTo(parse("{\"alert\": \"maybe\"}"));
    }

    @Test
    void aMissingOrNullAlertIsFalse() {
        ObjectNode missing = event();
        missing.remove("alert");
        ObjectNode nulled = event();
        nulled.putNull("alert");

        assertThat(accept(missing).getAlert()).isFalse();
        assertThat(accept(nulled).getAlert()).isFalse();
    }

    // ---- coded values

    @Test
    void sourceAndSeverityWithNameInsteadOfDescription() {
        ObjectNode json = event();
        json.putObject("event_source").put("id", 1).put("name", "Policy Control");
        json.putObject("event_severity").put("id", 1).put("name", "WARNING");
        json.putObject("event_type").put("id", 12).put("name", "Organisation blocked");

        EmnifyEvent event = accept(json);

        assertThat(event.getEventSource().getDescription()).isEqualTo("Policy Control");
        assertThat(event.getEventSeverity().getDescription()).isEqualTo("WARNING");
        assertThat(event.getEventType().getDescription()).isEqualTo("Organisation blocked");
        assertThat(event.getExtra()).isNull();
    }

    @Test
    void aNameNextToADescriptionIsKeptInExtra() {
        ObjectNode json = event();
        json.putObject("event_source").put("id", 0).put("description", "Network").put("name", "network");

        EmnifyEvent event = accept(json);

        assertThat(event.getEventSource().getDescription()).isEqualTo("Network");
        assertThat(parse(event.getExtra())).isEqualTo(parse("{\"event_source\": {\"name\": \"network\"}}"));
    }

    @Test
    void aSourceWithoutAUsableIdIsKeptInExtra() {
        ObjectNode json = event();
        json.putObject("event_severity").put("id", "high").put("description", "Critical");

        EmnifyEvent event = accept(json);

        assertThat(event.getEventSeverity()).isNull();
        assertThat(parse(event.getExtra())).isEqualTo(parse("{\"event_severity\": {\"id\": \"high\", \"description\": \"Critical\"}}"));
    }

    // ---- numbers and identifiers

    @Test
    void numbersWrittenAsStringsAreRead() {
        ObjectNode json = event(19);
        json.put("id", "158057547412841");
        json.putObject("event_type").put("id", "19").put("description", "Quota used up");
        json.putObject("organisation").put("id", "35030").put("name", "Org");
        json.putObject("endpoint").put("id", " 11396946 ");
        json.putObject("sim").put("id", "1748517");
        json.putObject("imsi").put("id", "322634");
        json.putObject("user").put("id", "225061");
        json.putObject("detail").putObject("quota").put("volume", "1.000000").put("threshold_percentage", "80")
                .put("threshold_volume", "0.8");

        EmnifyEvent event = accept(json);

        assertThat(event.getId()).isEqualTo(158057547412841L);
        assertThat(event.getEventType().getId()).isEqualTo(19);
        assertThat(event.getOrganisation().getId()).isEqualTo(35030L);
        assertThat(event.getEndpoint().getId()).isEqualTo(11396946L);
        assertThat(event.getSim().getId()).isEqualTo(1748517L);
        assertThat(event.getImsi().getId()).isEqualTo(322634L);
        assertThat(event.getUser().getId()).isEqualTo(225061L);
        assertThat(event.getQuota().getVolume()).isEqualTo(1.0);
        assertThat(event.getQuota().getThresholdPercentage()).isEqualTo(80.0);
        assertThat(event.getQuota().getThresholdVolume()).isEqualTo(0.8);
        assertThat(event.getExtra()).isNull();
    }

    @Test
    void operatorIdWrittenAsStringInThePdpContextIsTheOperatorWhenDetailHasNoId() {
        ObjectNode json = event(3);
        json.putObject("detail").putObject("pdp_context").put("operator_id", "3").put("mcc", "262").put("mnc", "02");

        EmnifyEvent event = accept(json);

        assertThat(event.getOperator().getId()).isEqualTo(3L);
        assertThat(event.getOperator().getMcc()).isEqualTo("262");
        assertThat(event.getOperator().getMnc()).isEqualTo("02");
    }

    @Test
    void identifiersSentAsNumbersBecomeExactStrings() {
        ObjectNode json = event();
        json.set("sim", parse("{\"id\": 1, \"iccid\": 89883030000012345678, \"msisdn\": 4915112345678}"));
        json.set("imsi", parse("{\"id\": 2, \"imsi\": 901430111111111}"));
        json.set("endpoint", parse("{\"id\": 3, \"imei\": 356938035643809, \"name\": 42}"));

        EmnifyEvent event = accept(json);

        assertThat(event.getSim().getIccid()).isEqualTo("89883030000012345678");
        assertThat(event.getSim().getMsisdn()).isEqualTo("4915112345678");
        assertThat(event.getImsi().getImsi()).isEqualTo("901430111111111");
        assertThat(event.getEndpoint().getImei()).isEqualTo("356938035643809");
        assertThat(event.getEndpoint().getName()).isEqualTo("42");
    }

    // ---- nulls and absent keys

    @Test
    void explicitNullsReadLikeAbsentKeys() {
        ObjectNode nulls = event();
        for (String key : new String[]{"user", "endpoint", "sim", "imsi", "detail", "event_source", "event_severity", "description"}) {
            nulls.putNull(key);
        }
        ObjectNode absent = event();
        for (String key : new String[]{"user", "endpoint", "sim", "imsi", "detail", "event_source", "event_severity", "description"}) {
            absent.remove(key);
        }

        EmnifyEvent fromNulls = accept(nulls);

        assertThat(fromNulls).isEqualTo(accept(absent));
        assertThat(fromNulls.getEndpoint()).isNull();
        assertThat(fromNulls.getDetailEncoding()).isEqualTo(DetailEncoding.NONE);
        assertThat(fromNulls.getExtra()).isNull();
    }

    @Test
    void nullsInsideObjectsAreEmptyFields() {
        ObjectNode json = event();
        json.set("endpoint", parse("{\"id\": 5, \"name\": null, \"ip_address\": null, \"imei\": null, \"tags\": null}"));

        EmnifyEvent event = accept(json);

        assertThat(event.getEndpoint().getId()).isEqualTo(5L);
        assertThat(event.getEndpoint().getName()).isNull();
        assertThat(event.getExtra()).isNull();
    }

    // ---- extra keys

    @Test
    void unknownKeysAreKeptInExtraNestedUnderTheirParent() {
        ObjectNode json = event();
        json.set("keen", parse("{\"id\": \"abc\", \"created_at\": \"2021-10-27T15:17:38.065Z\"}"));
        ((ObjectNode) json.get("endpoint")).put("firmware", "1.2.3");
        ((ObjectNode) json.get("organisation")).put("type", "customer");
        ((ObjectNode) json.get("event_type")).put("category", 7);
        json.set("sim", parse("{\"id\": 1, \"iccid\": \"8988\", \"status\": {\"id\": 1}}"));
        json.set("imsi", parse("{\"id\": 2, \"imsi\": \"901\", \"apn\": null}"));
        json.set("user", parse("{\"id\": 3, \"username\": \"jane\", \"role\": \"admin\"}"));
        json.put("new_top_level_flag", true);

        EmnifyEvent event = accept(json);

        assertThat(parse(event.getExtra())).isEqualTo(parse("""
                {"event_type": {"category": 7},
                 "organisation": {"type": "customer"},
                 "user": {"role": "admin"},
                 "endpoint": {"firmware": "1.2.3"},
                 "sim": {"status": {"id": 1}},
                 "imsi": {"apn": null},
                 "keen": {"id": "abc", "created_at": "2021-10-27T15:17:38.065Z"},
                 "new_top_level_flag": true}"""));
        assertThat(event.getEndpoint().getId()).isEqualTo(20L);
        assertThat(event.getSim().getIccid()).isEqualTo("8988");
    }

    @Test
    void aKnownFieldWithAnUnusableTypeGoesToExtraInsteadOfFailing() {
        ObjectNode json = event();
        ((ObjectNode) json.get("endpoint")).set("tags", parse("[\"fleet-a\", \"eu\"]"));
        json.set("description", parse("{\"text\": \"hello\"}"));
        json.put("user", "jane");
        json.set("sim", parse("{\"id\": \"sim-7\", \"iccid\": \"8988\"}"));

        EmnifyEvent event = accept(json);

        assertThat(event.getEndpoint().getTags()).isNull();
        assertThat(event.getDescription()).isNull();
        assertThat(event.getUser()).isNull();
        assertThat(event.getSim().getId()).isNull();
        assertThat(event.getSim().getIccid()).isEqualTo("8988");
        assertThat(parse(event.getExtra())).isEqualTo(parse("""
                {"description": {"text": "hello"}, "user": "jane",
                 "endpoint": {"tags": ["fleet-a", "eu"]}, "sim": {"id": "sim-7"}}"""));
    }

    @Test
    void anEndpointWithoutIdIsKeptWholeInExtraAndTheEventIsKeyedByOrganisation() {
        ObjectNode json = event();
        json.set("endpoint", parse("{\"name\": \"no id\", \"imei\": \"1\"}"));

        EmnifyEvent event = accept(json);

        assertThat(event.getEndpoint()).isNull();
        assertThat(parse(event.getExtra())).isEqualTo(parse("{\"endpoint\": {\"name\": \"no id\", \"imei\": \"1\"}}"));
        assertThat(EventKeys.keyOf(event)).isEqualTo("org-10");
    }

    @Test
    void detailSubKeysNeverGoToExtra() {
        ObjectNode json = event(1);
        json.set("detail", parse("{\"id\": 3, \"name\": \"Vodafone\", \"brand_new\": {\"x\": 1}}"));

        EmnifyEvent event = accept(json);

        assertThat(event.getExtra()).isNull();
        assertThat(parse(event.getDetail()).at("/brand_new/x").asInt()).isEqualTo(1);
    }

    // ---- detail

    @Test
    void anObjectDetailIsKeptAsJsonText() {
        ObjectNode json = event(30);
        json.set("detail", parse("{\"region\": \"eu-west-1\", \"client\": {\"public_ip\": \"53.240.46.216\"}, \"volume\": 500.000000}"));

        EmnifyEvent event = accept(json);

        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.JSON);
        assertThat(event.getDetail()).isEqualTo("{\"region\":\"eu-west-1\",\"client\":{\"public_ip\":\"53.240.46.216\"},\"volume\":500}");
    }

    @Test
    void anArrayDetailIsKeptAsJsonText() {
        ObjectNode json = event(48);
        json.set("detail", parse("[{\"sim_batch\": 1}]"));

        EmnifyEvent event = accept(json);

        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.JSON);
        assertThat(parse(event.getDetail())).isEqualTo(parse("[{\"sim_batch\": 1}]"));
    }

    @Test
    void aStringDetailHoldingJsonIsReadIntoTheViewsAndKeptVerbatim() {
        String detail = "{\"quota\": {\"threshold_percentage\": 80, \"threshold_volume\": 0.8, \"volume\": 1.5}}";
        ObjectNode json = event(18).put("detail", detail);

        EmnifyEvent event = accept(json);

        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.STRING);
        assertThat(event.getDetail()).isEqualTo(detail);
        assertThat(event.getQuota().getVolume()).isEqualTo(1.5);
        assertThat(event.getQuota().getThresholdPercentage()).isEqualTo(80.0);
    }

    @Test
    void theOneNceStringDetailWithUnquotedDatesIsRepairedIntoTheQuota() {
        String detail = "{\"endpoint_quota_id\":42, \"quota_status_id\": 2,\"action_on_quota_exhaustion_id\": 2,"
                + "\"volume\": 0.000000, \"expiry_date\": 2022-03-31T00:00:00Z, \"peak_throughput\": 64000,"
                + "\"last_volume_added\": 100.5,\"last_status_change_date\": 2022-03-24T12:46:27Z, \"auto_refill\": 0,"
                + "\"threshold_percentage\": 20,\"threshold_volume\": 20.1}";
        ObjectNode json = event(58).put("detail", detail);

        EmnifyEvent event = accept(json);

        assertThat(event.getDetail()).isEqualTo(detail);
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.STRING);
        assertThat(event.getQuota()).isEqualTo(new QuotaDetail(2, "EXHAUSTED", 0.0, 20.0, 20.1,
                Instant.parse("2022-03-31T00:00:00Z"), 2, "THROTTLE", 64000L, false, 100.5,
                Instant.parse("2022-03-24T12:46:27Z"), null, 42L));
    }

    @Test
    void aStringDetailThatCannotBeReadIsKeptVerbatimAndTheEventAccepted() {
        String detail = "quota assigned: {volume=500, expiry=2022-03-31}";
        ObjectNode json = event(56).put("detail", detail);

        EmnifyEvent event = accept(json);

        assertThat(event.getDetail()).isEqualTo(detail);
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.STRING);
        assertThat(event.getQuota()).isNull();
    }

    @Test
    void aBrokenJsonStringDetailIsKeptVerbatim() {
        String detail = "{\"volume\": 500, \"expiry_date\": }";

        EmnifyEvent event = accept(event(56).put("detail", detail));

        assertThat(event.getDetail()).isEqualTo(detail);
        assertThat(event.getQuota()).isNull();
    }

    @Test
    void snakeCaseAndCamelCaseQuotaDetailsFillTheSameFields() {
        ObjectNode snake = event(56);
        snake.set("detail", parse("""
                {"quota": {"status": {"id": 1, "description": "ACTIVE"},
                  "action_on_exhaustion": {"id": 2, "description": "Throttle", "peak_throughput": 64000},
                  "volume": 10, "expiry_date": "2022-07-31T00:00:00Z", "last_volume_added": 10,
                  "last_status_change_date": "2022-07-14T13:35:06Z", "auto_refill": true,
                  "threshold_percentage": 10, "threshold_volume": 1}}"""));
        ObjectNode camel = event(56);
        camel.set("detail", parse("""
                {"quota": {"status": {"id": 1, "description": "ACTIVE"},
                  "action_on_exhaustion": {"id": 2, "description": "Throttle", "peak_throughput": 64000},
                  "volume": 10, "expiryDate": "2022-07-31T00:00:00Z", "lastVolumeAdded": 10,
                  "lastStatusChangeDate": "2022-07-14T13:35:06Z", "autoRefill": true,
                  "thresholdPercentage": 10, "thresholdVolume": 1}}"""));

        QuotaDetail expected = new QuotaDetail(1, "ACTIVE", 10.0, 10.0, 1.0, Instant.parse("2022-07-31T00:00:00Z"),
                2, "THROTTLE", 64000L, true, 10.0, Instant.parse("2022-07-14T13:35:06Z"), null, null);
        assertThat(accept(snake).getQuota()).isEqualTo(expected);
        assertThat(accept(camel).getQuota()).isEqualTo(expected);
    }

    @Test
    void quotaEventsWithoutDetailHaveNoQuotaView() {
        assertThat(accept(event(60)).getQuota()).isNull();
    }

    @Test
    void typedViewsOnlyComeFromTheEventTypesThatCarryThem() {
        ObjectNode json = event(30);
        json.set("detail", parse("{\"id\": 3, \"name\": \"Vodafone\", \"quota\": {\"volume\": 1}, \"session_id\": \"x\"}"));

        EmnifyEvent event = accept(json);

        assertThat(event.getOperator()).isNull();
        assertThat(event.getPdp()).isNull();
        assertThat(event.getQuota()).isNull();
    }

    @Test
    void operatorTakesTheFirstMncAndTapcode() {
        ObjectNode json = event(2);
        json.set("detail", parse("""
                {"id": 5, "name": "Telekom", "country": {"id": 74, "name": "Germany", "country_code": "49",
                 "mcc": "262", "iso_code": "de"},
                 "tapcode": [{"id": 1, "tapcode": "DEUD1"}, {"id": 2, "tapcode": "DEUTX"}],
                 "mnc": [{"id": 1, "mnc": "01"}, {"id": 2, "mnc": "06"}]}"""));

        EmnifyEvent event = accept(json);

        assertThat(event.getOperator().getId()).isEqualTo(5L);
        assertThat(event.getOperator().getMnc()).isEqualTo("01");
        assertThat(event.getOperator().getTapcode()).isEqualTo("DEUD1");
        assertThat(event.getOperator().getIsoCode()).isEqualTo("de");
    }

    @Test
    void anUnusableValueInsideDetailLeavesTheViewFieldEmpty() {
        ObjectNode json = event(5);
        json.set("detail", parse("""
                {"session_id": "s", "pdp_context": {"rat_type": "LTE", "tunnel_created": "soon", "lac": 12},
                 "volume": {"total": "lots", "rx": 1.5, "tx": "0.5"}}"""));

        EmnifyEvent event = accept(json);

        assertThat(event.getPdp().getRatType()).isNull();
        assertThat(event.getPdp().getTunnelCreated()).isNull();
        assertThat(event.getPdp().getLac()).isEqualTo(12L);
        assertThat(event.getPdp().getVolumeTotal()).isNull();
        assertThat(event.getPdp().getVolumeRx()).isEqualTo(1.5);
        assertThat(event.getPdp().getVolumeTx()).isEqualTo(0.5);
        assertThat(event.getExtra()).isNull();
    }

    // ---- rejections

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "42          | event is a number, not an object; expected one emnify event object",
            "[1, 2]      | event is an array, not an object; expected one emnify event object",
            "'\"text\"'  | event is a string, not an object; expected one emnify event object",
            "null        | event is null, not an object; expected one emnify event object",
    })
    void rejectsAnElementThatIsNotAnObject(String element, String reason) {
        assertThat(reader.read(parse(element), IngestSource.STREAMER, RECEIVED)).isEqualTo(new ReadResult.Rejected<>(reason));
    }

    @Test
    void rejectsAnEventWithoutId() {
        ObjectNode missing = event();
        missing.remove("id");
        ObjectNode nulled = event();
        nulled.putNull("id");

        assertRejected(missing, "id is missing; every emnify event has a numeric id");
        assertRejected(nulled, "id is missing; every emnify event has a numeric id");
    }

    @ParameterizedTest(name = "id {0}")
    @CsvSource(delimiter = '|', value = {
            "'\"abc\"'                | id 'abc' is not an event id (expected a whole number such as 176777623)",
            "1.5                      | id 1.5 is not an event id (expected a whole number such as 176777623)",
            "99999999999999999999999  | id 99999999999999999999999 is not an event id (expected a whole number such as 176777623)",
            "{\"id\": 1}              | id {\"id\":1} is not an event id (expected a whole number such as 176777623)",
    })
    void rejectsAnUnparseableId(String id, String reason) {
        ObjectNode json = event();
        json.set("id", parse(id));

        assertRejected(json, reason);
    }

    @Test
    void rejectsAnEventWithoutTimestamp() {
        ObjectNode json = event();
        json.remove("timestamp");

        assertRejected(json, "timestamp is missing; every emnify event says when it happened");
    }

    @Test
    void rejectsATimestampThatIsNotATime() {
        assertRejected(event().put("timestamp", "yesterday"),
                "timestamp 'yesterday' is not a time emnify sends (expected e.g. 2021-10-27T11:59:29.000Z)");
        assertRejected(event().put("timestamp", 1635335969000L),
                "timestamp 1635335969000 is not a time emnify sends (expected e.g. 2021-10-27T11:59:29.000Z)");
    }

    @Test
    void aLongBadValueIsCutShortInTheReason() {
        String longValue = "x".repeat(500);

        ReadResult<EmnifyEvent> result = reader.read(event().put("timestamp", longValue), IngestSource.STREAMER, RECEIVED);

        assertThat(((ReadResult.Rejected<EmnifyEvent>) result).reason())
                .startsWith("timestamp 'xxxx")
                .contains("…")
                .hasSizeLessThan(200);
    }

    @Test
    void rejectsAnEventWithoutEventTypeId() {
        ObjectNode missingType = event();
        missingType.remove("event_type");
        ObjectNode typeWithoutId = event();
        typeWithoutId.putObject("event_type").put("description", "Update location");
        ObjectNode typeNotObject = event();
        typeNotObject.put("event_type", 3);
        ObjectNode badId = event();
        badId.putObject("event_type").put("id", "three");

        assertRejected(missingType, "event_type is missing; every emnify event has an event_type with an id");
        assertRejected(typeWithoutId, "event_type has no id; events are routed by event_type.id");
        assertRejected(typeNotObject, "event_type 3 is not an object with an id");
        assertRejected(badId, "event_type.id 'three' is not a number");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"endpoint", "organisation"})
    void rejectsAnEndpointOrOrganisationIdThatIsNotANumber(String key) {
        ObjectNode json = event();
        json.putObject(key).put("id", "abc").put("name", "x");

        assertRejected(json, key + ".id 'abc' is not a number");
    }

    @ParameterizedTest(name = "id {0}")
    @CsvSource(delimiter = '|', value = {
            "0       | id 0 is not an event id: emnify ids are positive whole numbers",
            "-3      | id -3 is not an event id: emnify ids are positive whole numbers",
            "'\"-7\"' | id -7 is not an event id: emnify ids are positive whole numbers",
    })
    void rejectsAnEventIdThatIsNotPositive(String id, String reason) {
        ObjectNode json = event();
        json.set("id", parse(id));

        assertRejected(json, reason);
    }

    @ParameterizedTest(name = "{0}.id {1}")
    @CsvSource({"endpoint, 0", "endpoint, -3", "organisation, 0", "organisation, -1825"})
    void rejectsAnEndpointOrOrganisationIdThatIsNotPositive(String key, long id) {
        ObjectNode json = event();
        json.putObject(key).put("id", id).put("name", "x");

        assertRejected(json, key + ".id " + id + " is not an emnify id: emnify ids are positive whole numbers");
    }

    @Test
    void anEventWithoutEndpointOrOrganisationIsStillAccepted() {
        ObjectNode json = event();
        json.remove("endpoint");
        json.putNull("organisation");

        EmnifyEvent event = accept(json);

        assertThat(event.getEndpoint()).isNull();
        assertThat(event.getOrganisation()).isNull();
    }

    // ---- helpers

    private EmnifyEvent accept(JsonNode json) {
        ReadResult<EmnifyEvent> result = reader.read(json, IngestSource.STREAMER, RECEIVED);
        assertThat(result).isInstanceOf(ReadResult.Accepted.class);
        return ((ReadResult.Accepted<EmnifyEvent>) result).record();
    }

    private void assertRejected(JsonNode json, String reason) {
        assertThat(reader.read(json, IngestSource.STREAMER, RECEIVED)).isEqualTo(new ReadResult.Rejected<>(reason));
    }

    /** A plain, complete Update location event without detail. */
    static ObjectNode event() {
        return (ObjectNode) parse("""
                {"id": 1001, "timestamp": "2021-10-27T11:59:29.000Z",
                 "event_type": {"id": 1, "description": "Update location"},
                 "event_source": {"id": 0, "description": "Network"},
                 "event_severity": {"id": 0, "description": "Info"},
                 "alert": false, "description": "something happened",
                 "organisation": {"id": 10, "name": "Org"},
                 "endpoint": {"id": 20, "name": "dev", "ip_address": "10.0.0.1", "imei": "356938035643809", "tags": null}}""");
    }

    static ObjectNode event(int typeId) {
        ObjectNode json = event();
        json.putObject("event_type").put("id", typeId);
        return json;
    }

    static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
