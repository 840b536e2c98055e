package io.fleetstream.topology.quota;

import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.Imsi;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.Sim;

import java.time.Instant;
import java.util.List;

/**
 * The quota example payloads of schemas/src/test/resources/examples/ as the ingest reader is to
 * normalise them, written out field for field by hand: the reader is built on another branch, so
 * these stand in for its output. {@code QuotaExamplesTest} checks them against the JSON files.
 */
final class QuotaExamples {

    /** One example file and the event it becomes. */
    record Example(String file, EmnifyEvent event) {
    }

    private QuotaExamples() {
    }

    static List<Example> all() {
        return List.of(thresholdReached013(), usedUpStringVolume014(), dataQuotaEnabled015(), dataQuotaAssigned016(),
                smsThresholdReached019(), dataQuotaAssignedStringDetail029());
    }

    /** Quota threshold reached (18), snake_case detail, negative remaining volume. */
    static Example thresholdReached013() {
        return new Example("013-18-quota-threshold-reached-docs.json", EmnifyEvent.newBuilder()
                .setId(17357540123L)
                .setTimestamp(Instant.parse("2021-10-27T09:06:50.000Z"))
                .setEventType(new CodedValue(18, "Quota threshold reached"))
                .setEventSource(new CodedValue(1, "Policy Control"))
                .setEventSeverity(new CodedValue(1, "Warn"))
                .setAlert(true)
                .setDescription("Endpoint quota threshold reached, volume is below 80%.")
                .setOrganisation(new Organisation(6713L, "Test Org"))
                .setEndpoint(new Endpoint(86473615L, "Factory Test Sim 2", "202.37.156.180", "250642987889789", null))
                .setSim(new Sim(1467960L, "56816736458812006983", "2020-12-23T13:02:11.000Z", null))
                .setImsi(new Imsi(20616184L, "58834171155367", "2020-12-23T13:02:11.000Z"))
                .setQuota(QuotaDetail.newBuilder()
                        .setThresholdPercentage(80.0)
                        .setThresholdVolume(0.8)
                        .setVolume(-0.00120000000000009)
                        .build())
                .setDetail("{\"quota\":{\"threshold_percentage\":80,\"threshold_volume\":0.8,\"volume\":-0.00120000000000009}}")
                .setDetailEncoding(DetailEncoding.JSON)
                .setIngest(streamed("2021-10-27T09:06:50.000Z"))
                .build());
    }

    /** Quota used up (19), the remaining volume sent as the string "1.000000". */
    static Example usedUpStringVolume014() {
        return new Example("014-19-quota-used-up-string-volume-docs.json", EmnifyEvent.newBuilder()
                .setId(1071715568978L)
                .setTimestamp(Instant.parse("2021-10-27T09:06:50.000Z"))
                .setEventType(new CodedValue(19, "Quota used up"))
                .setEventSource(new CodedValue(1, "Policy Control"))
                .setEventSeverity(new CodedValue(1, "Warn"))
                .setAlert(true)
                .setDescription("Quota volume is completely used up and data access denied for endpoint.")
                .setOrganisation(new Organisation(649L, "Test Org"))
                .setEndpoint(new Endpoint(19565190L, "Factory Test Sim 2", "147.188.3.101", "535561812785483", null))
                .setSim(new Sim(28734421L, "6971715153842702145", "2020-12-23T13:02:11.000Z", null))
                .setImsi(new Imsi(28726038L, "341399783365891", "2020-12-23T13:02:11.000Z"))
                .setQuota(QuotaDetail.newBuilder()
                        .setThresholdPercentage(80.0)
                        .setThresholdVolume(0.8)
                        .setVolume(1.0)
                        .build())
                .setDetail("{\"quota\":{\"threshold_percentage\":80,\"threshold_volume\":0.8,\"volume\":\"1.000000\"}}")
                .setDetailEncoding(DetailEncoding.JSON)
                .setIngest(streamed("2021-10-27T09:06:50.000Z"))
                .build());
    }

    /** Data quota enabled (52): organisation-level, no endpoint, sim, imsi or detail. */
    static Example dataQuotaEnabled015() {
        return new Example("015-52-data-quota-enabled-docs.json", EmnifyEvent.newBuilder()
                .setId(215900319904123L)
                .setTimestamp(Instant.parse("2022-07-14T13:32:49.046Z"))
                .setEventType(new CodedValue(52, "Data quota enabled"))
                .setEventSource(new CodedValue(2, "API"))
                .setEventSeverity(new CodedValue(1, "Warn"))
                .setAlert(false)
                .setDescription("Data quota management enabled for service profile (id = 99133 - Generic Service Profile), "
                        + "endpoints of this service profile without an active data quota will be throttled or blocked "
                        + "from data service.")
                .setOrganisation(new Organisation(9684L, "Example Org"))
                .setDetailEncoding(DetailEncoding.NONE)
                .setIngest(streamed("2022-07-14T13:32:49.046Z"))
                .build());
    }

    /** Data quota assigned (56), camelCase detail, action Block. */
    static Example dataQuotaAssigned016() {
        return new Example("016-56-data-quota-assigned-block-docs.json", EmnifyEvent.newBuilder()
                .setId(1028076751946L)
                .setTimestamp(Instant.parse("2022-07-14T13:35:07.626Z"))
                .setEventType(new CodedValue(56, "Data quota assigned"))
                .setEventSource(new CodedValue(2, "API"))
                .setEventSeverity(new CodedValue(0, "Info"))
                .setAlert(false)
                .setDescription("Data quota assigned with volume of 10.000000 MB without daily refill until "
                        + "2022-07-31T00:00:00Z and action on exhaustion set to blocking.")
                .setOrganisation(new Organisation(2256L, "Example Org"))
                .setEndpoint(new Endpoint(5293531L, "Test Device", "188.167.183.228", "5839369400489068", null))
                .setSim(new Sim(935826L, "8412861332142732293", "2017-05-03T20:36:28.000Z", null))
                .setImsi(new Imsi(186306L, "175971182377611", "2017-05-03T20:36:28.000Z"))
                .setQuota(QuotaDetail.newBuilder()
                        .setStatusId(1)
                        .setStatus("ACTIVE")
                        .setActionOnExhaustionId(1)
                        .setActionOnExhaustion("BLOCK")
                        .setPeakThroughput(128000L)
                        .setVolume(10.0)
                        .setExpiry(Instant.parse("2022-07-31T00:00:00Z"))
                        .setLastVolumeAdded(10.0)
                        .setLastStatusChange(Instant.parse("2022-07-14T13:35:06Z"))
                        .setAutoRefill(false)
                        .setThresholdPercentage(10.0)
                        .setThresholdVolume(1.0)
                        .build())
                .setDetail("{\"quota\":{\"status\":{\"id\":1,\"description\":\"ACTIVE\"},\"action_on_exhaustion\":"
                        + "{\"id\":1,\"description\":\"Block\",\"peak_throughput\":128000},\"volume\":10,"
                        + "\"expiryDate\":\"2022-07-31T00:00:00Z\",\"lastVolumeAdded\":10,"
                        + "\"lastStatusChangeDate\":\"2022-07-14T13:35:06Z\",\"autoRefill\":false,"
                        + "\"thresholdPercentage\":10,\"thresholdVolume\":1}}")
                .setDetailEncoding(DetailEncoding.JSON)
                .setIngest(streamed("2022-07-14T13:35:07.626Z"))
                .build());
    }

    /** SMS quota threshold reached (20): traffic type 6, volumes are message counts. */
    static Example smsThresholdReached019() {
        return new Example("019-20-sms-quota-threshold-reached-docs.json", EmnifyEvent.newBuilder()
                .setId(6734033817529352L)
                .setTimestamp(Instant.parse("2021-10-27T09:21:30.000Z"))
                .setEventType(new CodedValue(20, "SMS quota threshold reached"))
                .setEventSource(new CodedValue(1, "Policy Control"))
                .setEventSeverity(new CodedValue(1, "Warn"))
                .setAlert(true)
                .setDescription("SMS quota threshold reached, volume is below 50%.")
                .setOrganisation(new Organisation(42139L, "Test Org"))
                .setEndpoint(new Endpoint(10991244L, "Factory Test Sim 2", "121.214.125.202", "7345023067541287", null))
                .setSim(new Sim(114667L, "9097920854483458667", "2020-12-23T13:02:11.000Z", null))
                .setImsi(new Imsi(7940611L, "570416925414349", "2020-12-23T13:02:11.000Z"))
                .setQuota(QuotaDetail.newBuilder()
                        .setVolume(0.0)
                        .setThresholdPercentage(50.0)
                        .setThresholdVolume(1.0)
                        .setTrafficTypeId(6)
                        .build())
                .setDetail("{\"quota\":{\"volume\":0,\"threshold_percentage\":50,\"threshold_volume\":1,"
                        + "\"traffic_type\":{\"id\":6,\"description\":\"SMS\"}}}")
                .setDetailEncoding(DetailEncoding.JSON)
                .setIngest(streamed("2021-10-27T09:21:30.000Z"))
                .build());
    }

    /**
     * Data quota assigned (56) from 1NCE's Data Streamer: the detail is a string of pseudo-JSON
     * (unquoted dates) with flat snake_case keys; the reader recovers the quota from it.
     */
    static Example dataQuotaAssignedStringDetail029() {
        return new Example("029-56-data-quota-assigned-string-detail-1nce.json", EmnifyEvent.newBuilder()
                .setId(1234567890L)
                .setTimestamp(Instant.parse("2019-01-21T09:36:17Z"))
                .setEventType(new CodedValue(56, "Data quota assigned"))
                .setEventSource(new CodedValue(2, "API"))
                .setEventSeverity(new CodedValue(0, "Info"))
                .setAlert(true)
                .setDescription("Data quota got assigned with volume of 500.000000 MB. On exhaustion, the data service "
                        + "will be blocked.")
                .setOrganisation(new Organisation(1234L, "8100xxxx"))
                .setEndpoint(new Endpoint(1234567L, "<name>", "<ip_address>", "<imei>", null))
                .setSim(new Sim(1234567L, "<iccid>", "2019-01-21T09:36:17Z", "<msisdn>"))
                .setImsi(new Imsi(1234567L, "<imsi>", "2019-01-21T09:36:17Z"))
                .setQuota(QuotaDetail.newBuilder()
                        .setEndpointQuotaId(123123L)
                        .setStatusId(1)
                        .setStatus("ACTIVE")
                        .setActionOnExhaustionId(1)
                        .setActionOnExhaustion("BLOCK")
                        .setVolume(500.0)
                        .setExpiry(Instant.parse("2022-03-31T00:00:00Z"))
                        .setPeakThroughput(128000L)
                        .setLastVolumeAdded(500.0)
                        .setLastStatusChange(Instant.parse("2022-03-24T12:46:27Z"))
                        .setAutoRefill(true)
                        .setThresholdPercentage(20.0)
                        .setThresholdVolume(100.0)
                        .build())
                .setDetail("{\"endpoint_quota_id\":123123, \"quota_status_id\": 1,\"action_on_quota_exhaustion_id\": 1,"
                        + "\"volume\": 500.000000, \"expiry_date\": 2022-03-31T00:00:00Z, \"peak_throughput\": 128000,"
                        + "\"last_volume_added\": 500.000000,\"last_status_change_date\": 2022-03-24T12:46:27Z, "
                        + "\"auto_refill\": true,\"threshold_percentage\": 20,\"threshold_volume\": 100.000000}")
                .setDetailEncoding(DetailEncoding.STRING)
                .setIngest(streamed("2019-01-21T09:36:17Z"))
                .build());
    }

    private static IngestMetadata streamed(String receivedAt) {
        return new IngestMetadata(IngestSource.STREAMER, Instant.parse(receivedAt));
    }
}
