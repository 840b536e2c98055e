package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TestUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.fleetstream.topology.query.UsageEntries.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage joined to a device's sessions ({@code GET /v1/devices/{id}}, the session ledger, one session) and the fleet's
 * usage per operator and day, over the real topology, on hand-computed sums; and the same answers from two instances
 * whose usage partitions are assigned apart from their event partitions, so the device state and its usage are on
 * different instances. The query API measures ranges against the real clock, so the records are laid out in the two
 * UTC days before today.
 */
class SessionUsageEndpointTest {

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static ServedFleet served;
    /** The start of the UTC day before yesterday. */
    static final Instant D = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2));
    static final UsageOperator VODAFONE = new UsageOperator(3L, "Vodafone", "02", null);
    static final UsageOperator TELEKOM = new UsageOperator(4L, "Telekom", "01", null);

    static Instant at(int hour, int minute) {
        return D.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    static UsageRecord data(long id, long endpointId, String session, UsageOperator operator, Instant end, String cost,
                            String total, String rx, String tx) {
        return UsageRecord.newBuilder(TestUsage.data(id, endpointId, end, "EUR", cost, total, rx, tx))
                .setSessionId(session).setOperator(operator).build();
    }

    @BeforeAll
    static void fleet() {
        fleet = new PartitionedFleet(2, stateDir, Instant.now());
        TestEvents device = new TestEvents(9201);
        fleet.send(device.createPdp(at(10, 0), "s-1"));
        fleet.send(data(1, 9201, "s-1", VODAFONE, at(10, 15), "0.00188512", "0.219933", "0.172848", "0.047085"));
        fleet.send(data(2, 9201, "s-1", VODAFONE, at(10, 30), "0.0000000001", "1.000001", "0.5", "0.500001"));
        fleet.send(device.deletePdp(at(11, 0), "s-1", at(10, 0), 1.0, 1.0));
        // the closed session's last interval, reported after it ended
        fleet.send(data(3, 9201, "s-1", VODAFONE, at(10, 59).plusSeconds(30), "0.5", "2", "1", "1"));
        fleet.send(device.createPdp(at(11, 5), "s 2"));
        fleet.send(data(4, 9201, "s 2", TELEKOM, at(11, 10), "0.7", "3", "2", "1"));
        // other devices, on the other partition too: usage either side of midnight UTC, one without an operator
        fleet.send(data(5, 9202, "t", VODAFONE, at(23, 59).plusMillis(59_999), "0.00188512", "0.1", "0.1", "0"));
        fleet.send(data(6, 9203, "u", VODAFONE, at(24, 0), "0.0000000001", "0.000001", "0", "0.000001"));
        fleet.send(UsageRecord.newBuilder(TestUsage.sms(7, 9203, at(25, 0), "USD", "0.09")).setOperator(null).build());
        // a device seen by its events only: its session has no usage yet
        fleet.send(new TestEvents(9204).createPdp(at(12, 0), "v"));
        // the usage partitions the other way round: a device's state and its usage are never on the same instance
        served = ServedFleet.of(fleet,
                new TestInstance(fleet).holding(Set.of(0), Set.of()).holdingUsage(Set.of(1), Set.of()),
                new TestInstance(fleet).holding(Set.of(1), Set.of()).holdingUsage(Set.of(0), Set.of()));
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @Test
    void aDevicesOpenSessionShowsItsUsageSoFarAndItsLastSessionItsTotals() {
        Http.Response response = served.get("/v1/devices/9201");

        assertThat(response.status()).isEqualTo(200);
        JsonNode open = response.json().get("session");
        assertThat(open.get("session_id").asText()).isEqualTo("s 2");
        assertThat(usage(open.get("usage").get("totals"))).containsExactly("EUR records=1 sms=0 mb=3/2/1 cost=0.7");
        assertThat(open.get("usage").get("operator").get("name").asText()).isEqualTo("Telekom");
        assertThat(Instant.parse(open.get("usage").get("end").asText())).isEqualTo(at(11, 10));
        JsonNode last = response.json().get("last_session");
        assertThat(last.get("session_id").asText()).isEqualTo("s-1");
        // 0.219933 + 1.000001 + 2; 0.00188512 + 0.0000000001 + 0.5
        assertThat(usage(last.get("usage").get("totals")))
                .containsExactly("EUR records=3 sms=0 mb=3.219934/1.672848/1.547086 cost=0.5018851201");
        assertThat(Instant.parse(last.get("usage").get("start").asText())).isEqualTo(at(10, 15).minusSeconds(45));
        assertThat(Instant.parse(last.get("usage").get("end").asText())).isEqualTo(at(10, 59).plusSeconds(30));
        assertThat(last.get("usage").get("operator").get("id").asLong()).isEqualTo(3);
    }

    @Test
    void aSessionWithoutUsageRecordsHasNullUsage() {
        JsonNode device = served.get("/v1/devices/9204").json();

        assertThat(device.get("session").get("session_id").asText()).isEqualTo("v");
        assertThat(device.get("session").get("usage").isNull()).isTrue();
        assertThat(served.get("/v1/devices/9204/sessions/v").status()).isEqualTo(404);
    }

    @Test
    void theLedgerListsTheDevicesSessionsInTheRangeWithTheirTotals() {
        JsonNode r = served.get("/v1/devices/9201/sessions?from=" + D + "&until=" + at(24, 0)).json();

        assertThat(r.get("endpoint_id").asLong()).isEqualTo(9201);
        JsonNode sessions = r.get("sessions");
        assertThat(sessions).hasSize(2);
        assertThat(sessions.get(0).get("session_id").asText()).isEqualTo("s-1");
        assertThat(usage(sessions.get(0).get("totals")))
                .containsExactly("EUR records=3 sms=0 mb=3.219934/1.672848/1.547086 cost=0.5018851201");
        assertThat(sessions.get(1).get("session_id").asText()).isEqualTo("s 2");
        // the range ends before s 2's only record
        JsonNode early = served.get("/v1/devices/9201/sessions?from=" + D + "&until=" + at(11, 9)).json();
        assertThat(early.get("sessions")).extracting(s -> s.get("session_id").asText()).containsExactly("s-1");
        JsonNode one = served.get("/v1/devices/9201/sessions/s%202").json();
        assertThat(one.get("session_id").asText()).isEqualTo("s 2");
        assertThat(usage(one.get("totals"))).containsExactly("EUR records=1 sms=0 mb=3/2/1 cost=0.7");
    }

    @Test
    void theFleetsDailyUsagePerOperatorIsSplitAtMidnightAndSummedExactlyOverPartitions() {
        Http.Response response = served.get("/v1/fleet/usage?by=operator&from=" + D + "&until=" + at(48, 0));

        assertThat(response.status()).isEqualTo(200);
        JsonNode days = response.json().get("days");
        assertThat(days).hasSize(2);
        assertThat(Instant.parse(days.get(0).get("start").asText())).isEqualTo(D);
        JsonNode first = days.get(0).get("operators");
        assertThat(first).extracting(o -> o.get("operator").asText()).containsExactly("Vodafone", "Telekom");
        // 9201's three records of s-1 and 9202's at 23:59:59.999
        assertThat(usage(first.get(0).get("usage")))
                .containsExactly("EUR records=4 sms=0 mb=3.319934/1.772848/1.547086 cost=0.5037702401");
        assertThat(usage(first.get(1).get("usage"))).containsExactly("EUR records=1 sms=0 mb=3/2/1 cost=0.7");
        JsonNode second = days.get(1).get("operators");
        assertThat(second.get(0).get("operator_id").isNull()).isTrue();
        assertThat(usage(second.get(0).get("usage"))).containsExactly("USD records=1 sms=1 mb=0/0/0 cost=0.09");
        assertThat(second.get(1).get("operator_id").asLong()).isEqualTo(3);
        assertThat(usage(second.get(1).get("usage")))
                .containsExactly("EUR records=1 sms=0 mb=0.000001/0/0.000001 cost=0.0000000001");
        JsonNode totals = response.json().get("operators");
        assertThat(totals).extracting(o -> o.get("operator_id").asText()).containsExactly("null", "3", "4");
        assertThat(usage(totals.get(1).get("total")))
                .containsExactly("EUR records=5 sms=0 mb=3.319935/1.772848/1.547087 cost=0.5037702402");
    }

    @Test
    void fleetUsageRefusesWhatItCannotAnswer() {
        for (String query : List.of("by=organisation", "granularity=hour", "by=operator&by=operator", "per_page=3")) {
            Http.Response response = served.get("/v1/fleet/usage?" + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.json().get("error").asText()).as(query).isNotBlank();
        }
        assertThat(served.get("/v1/fleet/usage?granularity=hour").json().get("parameter").asText())
                .isEqualTo("granularity");
        assertThat(served.get("/v1/devices/9201/sessions?until=soon").status()).isEqualTo(400);
    }

    @Test
    void twoInstancesWhoseUsageIsAssignedApartAnswerExactlyWhatOneAnswers() {
        served.assertSpread("9201", "9202", "9203");
        List<String> paths = new ArrayList<>(List.of("/v1/fleet/usage?from=" + D + "&until=" + at(48, 0)));
        for (String device : List.of("9201", "9202", "9203", "9204")) {
            paths.add("/v1/devices/" + device);
            paths.add("/v1/devices/" + device + "/sessions?from=" + D + "&until=" + at(48, 0));
            paths.add("/v1/devices/" + device + "/usage?granularity=day&from=" + D + "&until=" + at(48, 0));
        }
        paths.add("/v1/devices/9201/sessions/s-1");
        for (String path : paths) {
            Http.Response one = served.answeredAlike(path);
            assertThat(one.status()).as(path).isEqualTo(path.startsWith("/v1/devices/920") && path.length() == 16
                    && !path.endsWith("9201") && !path.endsWith("9204") ? 404 : 200);
        }
        assertThat(Http.get(served.a.port(), "/v1/devices/9201").json().get("last_session").get("usage").get("totals"))
                .as("the join reached the other instance").isNotEmpty();
    }
}
