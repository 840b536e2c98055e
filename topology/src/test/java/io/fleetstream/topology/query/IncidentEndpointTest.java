package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.testing.TestEvents;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/fleet/incidents} over the real topology, split over two partitions held by two instances: a German
 * operator's outage in partition 0 (resolved) and a British one's in partition 1 (still open), each also a country
 * incident, with the default rules (20 devices, 10%, 5 minutes, 80% to resolve).
 */
class IncidentEndpointTest {

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static TestInstance a;
    static TestInstance b;
    static final Instant B = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(10));
    static final VisitedOperator VODAFONE_DE = VisitedOperator.newBuilder().setId(3L).setName("Vodafone")
            .setCountryName("Germany").setMcc("262").setMnc("02").build();
    static final VisitedOperator EE_UK = VisitedOperator.newBuilder().setId(20L).setName("EE")
            .setCountryName("United Kingdom").setMcc("234").setMnc("30").build();

    static Instant at(int minutes) {
        return B.plus(Duration.ofMinutes(minutes));
    }

    @BeforeAll
    static void fleet() {
        fleet = new PartitionedFleet(2, stateDir, Instant.now());
        // each driver feeds the re-keyed presence back to itself, so a group's devices must share a partition here
        List<TestEvents> germany = devices(0, 25, 20_000);
        List<TestEvents> uk = devices(1, 25, 30_000);
        germany.forEach(d -> fleet.send(create(d, VODAFONE_DE, at(0))));
        uk.forEach(d -> fleet.send(create(d, EE_UK, at(0))));
        for (int i = 0; i < 25; i++) {
            fleet.send(germany.get(i).purge(at(60).plusSeconds(i)));
            fleet.send(uk.get(i).purge(at(120).plusSeconds(i)));
        }
        for (int i = 0; i < 25; i++) {
            fleet.send(create(germany.get(i), VODAFONE_DE, at(90)));
        }
        a = new TestInstance(fleet).holding(Set.of(0), Set.of(1));
        b = new TestInstance(fleet).holding(Set.of(1), Set.of(0));
        TestInstance.group(a, b);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        fleet.close();
    }

    private static List<TestEvents> devices(int partition, int n, long firstId) {
        List<TestEvents> devices = new ArrayList<>();
        for (long id = firstId; devices.size() < n; id++) {
            if (fleet.partitionOf(EventKeys.ofEndpoint(id)) == partition) {
                devices.add(new TestEvents(id));
            }
        }
        return devices;
    }

    private static EmnifyEvent create(TestEvents device, VisitedOperator operator, Instant at) {
        return device.base(3, "Create PDP Context", 0, at).setOperator(operator)
                .setPdp(PdpSession.newBuilder().setSessionId("s-" + at.toEpochMilli()).setApn("em").build()).build();
    }

    private static List<String> ids(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("incidents").forEach(i -> ids.add(i.get("incident_id").asText()));
        return ids;
    }

    @Test
    void everyInstanceAnswersWithTheIncidentsOfBothPartitionsByOpeningTime() {
        for (TestInstance instance : List.of(a, b)) {
            Http.Response response = Http.get(instance.port(), "/v1/fleet/incidents?from=" + at(0) + "&until=" + at(300));

            assertThat(response.status()).isEqualTo(200);
            JsonNode r = response.json();
            assertThat(r.get("count").asInt()).isEqualTo(4);
            assertThat(ids(r)).containsExactly("country:262@" + at(60), "operator:3@" + at(60),
                    "country:234@" + at(120), "operator:20@" + at(120));
            JsonNode germany = r.get("incidents").get(1);
            assertThat(germany.get("kind").asText()).isEqualTo("operator");
            assertThat(germany.get("operator").asText()).isEqualTo("Vodafone");
            assertThat(germany.get("status").asText()).isEqualTo("resolved");
            assertThat(germany.get("devices_online_before").asInt()).isEqualTo(25);
            assertThat(germany.get("affected").asInt()).isEqualTo(25);
            assertThat(germany.get("recovered").asInt()).isEqualTo(20);
            assertThat(Instant.parse(germany.get("resolved_at").asText())).isEqualTo(at(90));
            assertThat(germany.get("devices")).hasSize(25);
            JsonNode uk = r.get("incidents").get(3);
            assertThat(uk.get("status").asText()).isEqualTo("open");
            assertThat(uk.get("resolved_at").isNull()).isTrue();
            assertThat(uk.get("devices").get(0).get("online_at").isNull()).isTrue();
        }
    }

    @Test
    void theRangeKeepsTheIncidentsThatOverlapIt() {
        // the German incident was resolved at minute 90
        Http.Response response = Http.get(a.port(), "/v1/fleet/incidents?from=" + at(100) + "&until=" + at(300));
        assertThat(ids(response.json())).containsExactly("country:234@" + at(120), "operator:20@" + at(120));
        response = Http.get(a.port(), "/v1/fleet/incidents?from=" + at(0) + "&until=" + at(61));
        assertThat(ids(response.json())).containsExactly("country:262@" + at(60), "operator:3@" + at(60));
    }

    @Test
    void kindKeepsOnlyOperatorsOrOnlyCountries() {
        Http.Response response = Http.get(b.port(), "/v1/fleet/incidents?kind=operator&from=" + at(0) + "&until=" + at(300));
        assertThat(response.json().get("kind").asText()).isEqualTo("operator");
        assertThat(ids(response.json())).containsExactly("operator:3@" + at(60), "operator:20@" + at(120));
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        Http.Response kind = Http.get(a.port(), "/v1/fleet/incidents?kind=tag");
        assertThat(kind.status()).isEqualTo(400);
        assertThat(kind.json().get("parameter").asText()).isEqualTo("kind");
        assertThat(kind.json().get("error").asText()).contains("operator or country");

        Http.Response range = Http.get(a.port(), "/v1/fleet/incidents?from=" + at(10) + "&until=" + at(5));
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.json().get("parameter").asText()).isEqualTo("from");

        Http.Response unknown = Http.get(a.port(), "/v1/fleet/incidents?by=operator");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).contains("unknown query parameter");

        Http.Response time = Http.get(a.port(), "/v1/fleet/incidents?from=yesterday");
        assertThat(time.status()).isEqualTo(400);
        assertThat(time.json().get("parameter").asText()).isEqualTo("from");
    }
}
