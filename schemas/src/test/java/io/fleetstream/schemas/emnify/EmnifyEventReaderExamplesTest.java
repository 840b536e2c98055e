package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every real example payload, read and checked field by field. A new file in the examples folder fails
 * here until its expectations are written down.
 */
class EmnifyEventReaderExamplesTest {

    private static final Instant RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z");

    private final EmnifyEventReader reader = new EmnifyEventReader();

    private final Map<String, Consumer<EmnifyEvent>> expectations = Map.ofEntries(
            Map.entry("004-1-update-location-docs.json", EmnifyEventReaderExamplesTest::updateLocation),
            Map.entry("005-2-update-gprs-location-docs.json", EmnifyEventReaderExamplesTest::updateGprsLocation),
            Map.entry("006-3-create-pdp-accepted-docs.json", EmnifyEventReaderExamplesTest::createPdpAccepted),
            Map.entry("007-3-create-pdp-rejected-no-quota-docs.json", EmnifyEventReaderExamplesTest::createPdpRejected),
            Map.entry("008-5-delete-pdp-docs.json", EmnifyEventReaderExamplesTest::deletePdp),
            Map.entry("011-11-endpoint-blocked-docs.json", EmnifyEventReaderExamplesTest::endpointBlocked),
            Map.entry("012-12-organisation-blocked-legacy-docs.json", EmnifyEventReaderExamplesTest::organisationBlockedLegacy),
            Map.entry("013-18-quota-threshold-reached-docs.json", EmnifyEventReaderExamplesTest::quotaThresholdReached),
            Map.entry("014-19-quota-used-up-string-volume-docs.json", EmnifyEventReaderExamplesTest::quotaUsedUpWithStringVolume),
            Map.entry("015-52-data-quota-enabled-docs.json", EmnifyEventReaderExamplesTest::dataQuotaEnabled),
            Map.entry("016-56-data-quota-assigned-block-docs.json", EmnifyEventReaderExamplesTest::dataQuotaAssignedCamelCase),
            Map.entry("019-20-sms-quota-threshold-reached-docs.json", EmnifyEventReaderExamplesTest::smsQuotaThresholdReached),
            Map.entry("022-30-openvpn-authentication-docs.json", EmnifyEventReaderExamplesTest::openVpnAuthentication),
            Map.entry("029-56-data-quota-assigned-string-detail-1nce.json", EmnifyEventReaderExamplesTest::dataQuotaAssigned1nceStringDetail));

    @TestFactory
    Stream<DynamicTest> everyExampleIsReadWithItsMeaningfulFields() {
        return Examples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Consumer<EmnifyEvent> expected = expectations.get(name);
            if (expected == null) {
                fail("no expectations for example " + name + ": add them to " + getClass().getSimpleName());
            }
            ReadResult<EmnifyEvent> result = reader.read(Examples.json(name), IngestSource.STREAMER, RECEIVED);
            assertThat(result).isInstanceOf(ReadResult.Accepted.class);
            EmnifyEvent event = ((ReadResult.Accepted<EmnifyEvent>) result).record();
            assertThat(event.getIngest().getSource()).isEqualTo(IngestSource.STREAMER);
            assertThat(event.getIngest().getReceivedAt()).isEqualTo(RECEIVED);
            expected.accept(event);
        }));
    }

    private static void updateLocation(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(176777623L);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2017-10-26T07:28:00Z"));
        assertThat(event.getEventType().getId()).isEqualTo(1);
        assertThat(event.getEventType().getDescription()).isEqualTo("Update location");
        assertThat(event.getEventSource().getId()).isZero();
        assertThat(event.getEventSource().getDescription()).isEqualTo("Network");
        assertThat(event.getEventSeverity().getDescription()).isEqualTo("Info");
        assertThat(event.getAlert()).isFalse();
        assertThat(event.getDescription()).contains("now\nattached to VLR='491720000095'");
        assertThat(event.getOrganisation().getId()).isEqualTo(215294L);
        assertThat(event.getOrganisation().getName()).isEqualTo("Demo Company");
        assertThat(event.getEndpoint().getId()).isEqualTo(733023L);
        assertThat(event.getEndpoint().getName()).isEqualTo("GPS Tracker");
        assertThat(event.getEndpoint().getIpAddress()).isEqualTo("127.137.56.181");
        assertThat(event.getEndpoint().getImei()).isEqualTo("732554536373291");
        assertThat(event.getEndpoint().getTags()).isNull();
        assertThat(event.getImsi().getId()).isEqualTo(216476L);
        assertThat(event.getImsi().getImsi()).isEqualTo("401960166508658");
        assertThat(event.getImsi().getImportDate()).isEqualTo("2016-12-27T10:09:23.000+0000");
        assertThat(event.getSim().getId()).isEqualTo(2614385L);
        assertThat(event.getSim().getIccid()).isEqualTo("3590376990354243198");
        assertThat(event.getSim().getProductionDate()).isEqualTo("2016-12-27T10:09:23.000+0000");
        assertThat(event.getSim().getMsisdn()).isNull();
        assertThat(event.getUser()).isNull();
        assertThat(event.getOperator()).isEqualTo(new VisitedOperator(3L, "Vodafone", 74L, "Germany", "49", "de", "262", "02", "DEUD2"));
        assertThat(event.getPdp()).isNull();
        assertThat(event.getQuota()).isNull();
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.JSON);
        assertThat(json(event.getDetail())).isEqualTo(Examples.json("004-1-update-location-docs.json").get("detail"));
        assertThat(event.getExtra()).isNull();
        assertThat(EventKeys.keyOf(event)).isEqualTo("733023");
    }

    private static void updateGprsLocation(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(158057547412841L);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2021-10-24T12:44:09.901Z"));
        assertThat(event.getEventType().getId()).isEqualTo(2);
        assertThat(event.getSim().getIccid()).isEqualTo("14610948273291945919");
        assertThat(event.getSim().getProductionDate()).isEqualTo("2020-12-23T13:02:11.000Z");
        assertThat(event.getImsi().getImsi()).isEqualTo("668507304809640");
        assertThat(event.getEndpoint().getId()).isEqualTo(11396946L);
        assertThat(event.getOrganisation().getId()).isEqualTo(35030L);
        assertThat(event.getOperator()).isEqualTo(new VisitedOperator(3L, "Vodafone", 74L, "Germany", "49", "de", "262", "02", "DEUD2"));
        assertThat(event.getPdp()).isNull();
        assertThat(event.getExtra()).isNull();
    }

    private static void createPdpAccepted(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(31877325941L);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2021-10-27T08:38:02Z"));
        assertThat(event.getEventType().getId()).isEqualTo(3);
        assertThat(event.getEventSource().getId()).isZero();
        assertThat(event.getAlert()).isFalse();
        assertThat(event.getEndpoint().getId()).isEqualTo(20200078L);
        PdpSession pdp = event.getPdp();
        assertThat(pdp.getSessionId()).isEqualTo("d12c574f-e219-45a4-8836-d17a50f66fb1");
        assertThat(pdp.getPdpContextId()).isEqualTo(51755555L);
        assertThat(pdp.getApn()).isEqualTo("em");
        assertThat(pdp.getRatType()).isEqualTo(2);
        assertThat(pdp.getUeIpAddress()).isEqualTo("101.124.109.214");
        assertThat(pdp.getTunnelCreated()).isEqualTo(Instant.parse("2021-10-27T08:38:02Z"));
        assertThat(pdp.getGtpVersion()).isEqualTo(1);
        assertThat(pdp.getImeisv()).isEqualTo("6887426203768011");
        assertThat(pdp.getMcc()).isEqualTo("262");
        assertThat(pdp.getMnc()).isEqualTo("02");
        assertThat(pdp.getLac()).isEqualTo(921L);
        assertThat(pdp.getCi()).isEqualTo(5174L);
        assertThat(pdp.getRegion()).isEqualTo("eu-west-1");
        assertThat(pdp.getBreakoutIp()).isEqualTo("97.106.216.29");
        assertThat(pdp.getVolumeTotal()).isNull();
        // no mnc[] or tapcode[] in a PDP detail: the network code comes from the PDP context
        assertThat(event.getOperator()).isEqualTo(new VisitedOperator(3L, "Vodafone", 74L, "Germany", "49", "de", "262", "02", null));
        assertThat(event.getQuota()).isNull();
        assertThat(event.getExtra()).isNull();
    }

    private static void createPdpRejected(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(7745432124L);
        assertThat(event.getEventType().getId()).isEqualTo(3);
        assertThat(event.getEventSource().getId()).isEqualTo(1);
        assertThat(event.getEventSource().getDescription()).isEqualTo("Policy Control");
        assertThat(event.getEventSeverity().getId()).isEqualTo(1);
        assertThat(event.getEventSeverity().getDescription()).isEqualTo("Warn");
        assertThat(event.getAlert()).isTrue();
        assertThat(event.getDescription()).isEqualTo("PDP Context Request rejected, because endpoint has no quota.");
        assertThat(event.getDetail()).isNull();
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.NONE);
        assertThat(event.getOperator()).isNull();
        assertThat(event.getPdp()).isNull();
        assertThat(event.getEndpoint().getId()).isEqualTo(10238L);
        assertThat(event.getImsi().getImsi()).isEqualTo("85785128232645");
    }

    private static void deletePdp(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(1906081382592L);
        assertThat(event.getEventType().getId()).isEqualTo(5);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2021-10-27T08:40:10Z"));
        PdpSession pdp = event.getPdp();
        assertThat(pdp.getSessionId()).isEqualTo("2a4ff039-fbb9-4eaa-b74c-2f0eaafaf624");
        assertThat(pdp.getApn()).isNull();
        assertThat(pdp.getBreakoutIp()).isNull();
        assertThat(pdp.getTunnelCreated()).isEqualTo(Instant.parse("2021-10-27T08:38:02Z"));
        assertThat(pdp.getVolumeTotal()).isEqualTo(0.641984);
        assertThat(pdp.getVolumeRx()).isEqualTo(0.418811);
        assertThat(pdp.getVolumeTx()).isEqualTo(0.223173);
        assertThat(pdp.getPdpContextId()).isEqualTo(79790039L);
        assertThat(event.getOperator().getId()).isEqualTo(3L);
        assertThat(event.getOperator().getCountryId()).isEqualTo(82L);
        assertThat(event.getEndpoint().getId()).isEqualTo(8163445L);
    }

    private static void endpointBlocked(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(155295222517L);
        assertThat(event.getEventType().getId()).isEqualTo(11);
        assertThat(event.getEventType().getDescription()).isEqualTo("Endpoint blocked");
        assertThat(event.getEventSource().getId()).isEqualTo(1);
        assertThat(event.getAlert()).isTrue();
        assertThat(event.getDescription()).isEqualTo("Blocking data access for endpoint, traffic limit exceeded.");
        assertThat(event.getEndpoint().getId()).isEqualTo(29232748L);
        assertThat(event.getEndpoint().getName()).isEqualTo("Factory Test Sim 3");
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.NONE);
        assertThat(EventKeys.keyOf(event)).isEqualTo("29232748");
    }

    private static void organisationBlockedLegacy(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(1697107630311L);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2021-10-06T10:42:58Z"));
        assertThat(event.getEventType().getId()).isEqualTo(12);
        assertThat(event.getEventSource().getId()).isEqualTo(1);
        assertThat(event.getEventSource().getDescription()).isEqualTo("Policy Control");
        assertThat(event.getEventSeverity().getDescription()).isEqualTo("WARN");
        assertThat(event.getAlert()).isTrue();
        assertThat(event.getUser()).isNull();
        assertThat(event.getEndpoint()).isNull();
        assertThat(event.getSim()).isNull();
        assertThat(event.getImsi()).isNull();
        assertThat(event.getDetail()).isNull();
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.NONE);
        assertThat(event.getExtra()).isNull();
        assertThat(EventKeys.keyOf(event)).isEqualTo("org-4732");
    }

    private static void quotaThresholdReached(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(17357540123L);
        assertThat(event.getEventType().getId()).isEqualTo(18);
        assertThat(event.getSim().getIccid()).isEqualTo("56816736458812006983");
        QuotaDetail quota = event.getQuota();
        assertThat(quota.getThresholdPercentage()).isEqualTo(80.0);
        assertThat(quota.getThresholdVolume()).isEqualTo(0.8);
        assertThat(quota.getVolume()).isEqualTo(-0.00120000000000009);
        assertThat(quota.getStatusId()).isNull();
        assertThat(quota.getTrafficTypeId()).isNull();
        assertThat(event.getOperator()).isNull();
    }

    private static void quotaUsedUpWithStringVolume(EmnifyEvent event) {
        assertThat(event.getEventType().getId()).isEqualTo(19);
        assertThat(event.getQuota().getVolume()).isEqualTo(1.0);
        assertThat(event.getQuota().getThresholdPercentage()).isEqualTo(80.0);
        assertThat(event.getQuota().getThresholdVolume()).isEqualTo(0.8);
        assertThat(json(event.getDetail()).at("/quota/volume").textValue()).isEqualTo("1.000000");
    }

    private static void dataQuotaEnabled(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(215900319904123L);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2022-07-14T13:32:49.046Z"));
        assertThat(event.getEventType().getId()).isEqualTo(52);
        assertThat(event.getEventSource().getDescription()).isEqualTo("API");
        assertThat(event.getDescription()).contains("service profile (id = 99133");
        assertThat(event.getEndpoint()).isNull();
        assertThat(event.getSim()).isNull();
        assertThat(event.getImsi()).isNull();
        assertThat(event.getQuota()).isNull();
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.NONE);
        assertThat(EventKeys.keyOf(event)).isEqualTo("org-9684");
    }

    private static void dataQuotaAssignedCamelCase(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(1028076751946L);
        assertThat(event.getEventType().getId()).isEqualTo(56);
        assertThat(event.getQuota()).isEqualTo(new QuotaDetail(1, "ACTIVE", 10.0, 10.0, 1.0,
                Instant.parse("2022-07-31T00:00:00Z"), 1, "BLOCK", 128000L, false, 10.0,
                Instant.parse("2022-07-14T13:35:06Z"), null, null));
        assertThat(event.getEndpoint().getId()).isEqualTo(5293531L);
    }

    private static void smsQuotaThresholdReached(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(6734033817529352L);
        assertThat(event.getEventType().getId()).isEqualTo(20);
        QuotaDetail quota = event.getQuota();
        assertThat(quota.getVolume()).isEqualTo(0.0);
        assertThat(quota.getThresholdPercentage()).isEqualTo(50.0);
        assertThat(quota.getThresholdVolume()).isEqualTo(1.0);
        assertThat(quota.getTrafficTypeId()).isEqualTo(6);
    }

    private static void openVpnAuthentication(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(153792067277L);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2021-10-27T15:17:23Z"));
        assertThat(event.getEventType().getId()).isEqualTo(30);
        assertThat(event.getEventSeverity().getDescription()).isEqualTo("INFO");
        assertThat(event.getUser().getId()).isEqualTo(225061L);
        assertThat(event.getUser().getUsername()).isEqualTo("jane.doe@example.com");
        assertThat(event.getUser().getName()).isEqualTo("Jane Doe");
        assertThat(event.getEndpoint()).isNull();
        assertThat(event.getSim()).isNull();
        assertThat(event.getOperator()).isNull();
        assertThat(json(event.getDetail()).at("/client/public_ip").textValue()).isEqualTo("53.240.46.216");
        assertThat(json(event.getExtra())).isEqualTo(json("""
                {"keen": {"timestamp": "2021-10-27T15:17:38.065Z", "created_at": "2021-10-27T15:17:38.065Z",
                          "id": "11855d2331d1f324470ca3b"}}"""));
        assertThat(EventKeys.keyOf(event)).isEqualTo("org-19910");
    }

    private static void dataQuotaAssigned1nceStringDetail(EmnifyEvent event) {
        assertThat(event.getId()).isEqualTo(1234567890L);
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2019-01-21T09:36:17Z"));
        assertThat(event.getEventType().getId()).isEqualTo(56);
        assertThat(event.getAlert()).isTrue();
        assertThat(event.getUser()).isNull();
        assertThat(event.getSim().getMsisdn()).isEqualTo("<msisdn>");
        assertThat(event.getSim().getIccid()).isEqualTo("<iccid>");
        assertThat(event.getEndpoint().getImei()).isEqualTo("<imei>");
        assertThat(event.getOrganisation().getName()).isEqualTo("8100xxxx");
        assertThat(event.getDetailEncoding()).isEqualTo(DetailEncoding.STRING);
        assertThat(event.getDetail()).isEqualTo(Examples.json("029-56-data-quota-assigned-string-detail-1nce.json").get("detail").textValue());
        assertThat(event.getQuota()).isEqualTo(new QuotaDetail(1, "ACTIVE", 500.0, 20.0, 100.0,
                Instant.parse("2022-03-31T00:00:00Z"), 1, "BLOCK", 128000L, true, 500.0,
                Instant.parse("2022-03-24T12:46:27Z"), null, 123123L));
        assertThat(event.getExtra()).isNull();
        assertThat(EventKeys.keyOf(event)).isEqualTo("1234567");
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
