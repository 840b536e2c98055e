package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances, each the active owner of one partition and the standby of the other: forwarding,
 * gathering, the standby fallback and the loop guard, over real HTTP between them.
 */
class QueryRoutingTest {

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static final List<Long> DEVICES = LongStream.rangeClosed(8001, 8012).boxed().toList();
    TestInstance a;
    TestInstance b;

    @BeforeAll
    static void fleet() {
        fleet = new PartitionedFleet(2, stateDir, T0.plus(Duration.ofDays(1)));
        for (long id : DEVICES) {
            TestEvents device = new TestEvents(id, id % 2 == 0 ? 500 : 501);
            Instant t = T0.plusSeconds(id - 8000);
            fleet.send(device.updateLocation(t));
            fleet.send(device.createPdp(t.plusSeconds(30), "s" + id));
            if (id % 3 == 0) {
                fleet.send(device.quota(56, t.plusSeconds(40), QuotaDetail.newBuilder().setStatusId(1).setVolume(10.0).build()));
            }
            if (id % 4 == 0) {
                fleet.send(device.deletePdp(t.plusSeconds(50), "s" + id, t.plusSeconds(30), 1, 1));
            }
        }
        TestEvents org = new TestEvents(1, 500);
        fleet.send(org.organisationEvent(54, T0, "SMS quota management enabled for service profile (id = 9 - Pumps)"));
    }

    @AfterAll
    static void closeFleet() {
        fleet.close();
    }

    @BeforeEach
    void twoInstances() {
        a = new TestInstance(fleet).holding(Set.of(0), Set.of(1));
        b = new TestInstance(fleet).holding(Set.of(1), Set.of(0));
        TestInstance.group(a, b);
    }

    @AfterEach
    void stopInstances() {
        a.close();
        b.close();
    }

    /** A device whose key lives on the given partition. */
    private static long deviceOn(int partition) {
        return DEVICES.stream().filter(id -> fleet.partitionOf(Long.toString(id)) == partition).findFirst().orElseThrow();
    }

    private static List<String> everyQuestion() {
        List<String> paths = new ArrayList<>();
        for (long id : DEVICES) {
            paths.add("/v1/devices/" + id);
            paths.add("/v1/devices/" + id + "/quota");
            paths.add("/v1/devices/" + id + "/events");
            paths.add("/v1/devices/" + id + "/events?type=3&sort=timestamp");
        }
        paths.addAll(List.of("/v1/devices/424242", "/v1/organisations/500/quota-management",
                "/v1/organisations/501/quota-management", "/v1/organisations/500/events?per_page=5&page=2",
                "/v1/organisations/501/events", "/v1/organisations/501/events?type=3,5&sort=id",
                "/v1/devices?limit=5", "/v1/devices?status=ATTACHED", "/v1/fleet/summary"));
        return paths;
    }

    @Test
    void theKeysAreSpreadOverBothInstances() {
        assertThat(fleet.partitionOf(Long.toString(deviceOn(0)))).isZero();
        assertThat(fleet.partitionOf(Long.toString(deviceOn(1)))).isOne();
    }

    @Test
    void everyQuestionIsAnsweredIdenticallyByBothInstances() {
        for (String path : everyQuestion()) {
            Http.Response fromA = Http.get(a.port(), path);
            Http.Response fromB = Http.get(b.port(), path);
            assertThat(fromA.status()).as(path).isEqualTo(fromB.status()).isIn(200, 404);
            assertThat(fromA.body()).as(path).isEqualTo(fromB.body());
            for (String header : List.of("X-Total-Count", "X-Total-Pages", "X-Current-Page", "Link", QueryServer.STALE_HEADER)) {
                assertThat(fromA.header(header)).as(path + " " + header).isEqualTo(fromB.header(header));
            }
            assertThat(fromA.header(QueryServer.STALE_HEADER)).as(path).isEmpty();
        }
    }

    @Test
    void aKeyOwnedByTheOtherInstanceIsForwardedToIt() {
        long remote = deviceOn(1);
        Http.Response response = Http.get(a.port(), "/v1/devices/" + remote);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("endpoint_id").asLong()).isEqualTo(remote);
        // the state, then the usage of each of its sessions (the usage store's partition is held by the same instance here)
        long sessions = List.of("session", "last_session").stream()
                .filter(field -> response.json().path(field).path("session_id").isTextual()).count();
        assertThat(a.meters.scrape()).contains("fleetstream_query_forwarded_total{copy=\"active\",outcome=\"answered\"} "
                + (1 + sessions) + ".0");
        assertThat(b.meters.scrape()).contains("route=\"/v1/devices/{endpoint_id}\",status=\"200\"")
                .contains("internal=\"true\"");
    }

    @Test
    void theSummaryCountsEveryPartitionOnceAcrossInstances() {
        JsonNode summary = Http.get(a.port(), "/v1/fleet/summary").json();
        assertThat(summary.get("partitions").asInt()).isEqualTo(2);
        assertThat(summary.get("devices").get("total").asInt()).isEqualTo(DEVICES.size());
        assertThat(summary.get("devices").get("by_status").get("ATTACHED").asInt()).isEqualTo(3);
        assertThat(summary.get("devices").get("by_status").get("ONLINE").asInt()).isEqualTo(9);
        assertThat(summary.get("quotas").get("data").get("ACTIVE").asInt()).isEqualTo(4);
    }

    @Test
    void theSummarySaysWhenItsOldestPartitionCountWasTakenAtMostASecondBeforeTheAnswer() {
        Instant before = Instant.now().minusMillis(1);
        Http.Response summary = Http.get(a.port(), "/v1/fleet/summary");
        Instant after = Instant.now();

        assertThat(summary.header(QueryServer.AS_OF_HEADER)).hasValueSatisfying(asOf ->
                assertThat(Instant.parse(asOf)).isBetween(before.minus(PartitionCounts.MAX_AGE), after));
    }

    @Test
    void anInternalRequestForAPartitionThisInstanceDoesNotHoldIsRefusedNotForwardedAgain() {
        long remote = deviceOn(1);
        Http.Response response = Http.get(a.port(), "/v1/devices/" + remote, Map.of(QueryServer.PARTITIONS_HEADER, "1"));

        assertThat(response.status()).as("never a 404 for a key that exists elsewhere").isEqualTo(503);
        assertThat(response.header("Retry-After")).contains("2");
        assertThat(a.meters.scrape()).doesNotContain("fleetstream_query_forwarded_total");
        assertThat(b.meters.scrape()).doesNotContain("/v1/devices/{endpoint_id}");
    }

    @Test
    void whenTheActiveOwnerIsUnreachableTheStandbyAnswersAndSaysItMayBeStale() {
        long remote = deviceOn(1);
        String path = "/v1/devices/" + remote;
        JsonNode fresh = Http.get(a.port(), path).json();
        b.stop();

        Http.Response stale = Http.get(a.port(), path);
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.header(QueryServer.STALE_HEADER)).contains("true");
        assertThat(stale.json().get("stale").asBoolean()).isTrue();
        ((ObjectNode) stale.json()).remove("stale");
        assertThat(withoutStale(stale.json())).isEqualTo(fresh);

        Http.Response events = Http.get(a.port(), path + "/events");
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.header(QueryServer.STALE_HEADER)).contains("true");
        assertThat(events.json()).hasSize(2);

        Http.Response summary = Http.get(a.port(), "/v1/fleet/summary");
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.json().get("stale").asBoolean()).isTrue();
        assertThat(summary.json().get("partitions").asInt()).isEqualTo(2);
        assertThat(summary.json().get("devices").get("total").asInt()).isEqualTo(DEVICES.size());

        Http.Response local = Http.get(a.port(), "/v1/devices/" + deviceOn(0));
        assertThat(local.header(QueryServer.STALE_HEADER)).as("a key this instance owns is not stale").isEmpty();
        assertThat(a.meters.scrape()).contains("fleetstream_query_forwarded_total{copy=\"active\",outcome=\"unreachable\"}");
    }

    @Test
    void whenNoCopyOfAPartitionIsReachableTheAnswerIs503() {
        a.holding(Set.of(0), Set.of());
        b.stop();

        for (String path : List.of("/v1/devices/" + deviceOn(1), "/v1/devices/" + deviceOn(1) + "/events",
                "/v1/fleet/summary", "/v1/devices", "/v1/organisations/500/events")) {
            Http.Response response = Http.get(a.port(), path);
            assertThat(response.status()).as(path).isEqualTo(503);
            assertThat(response.header("Retry-After")).as(path).contains("2");
            assertThat(response.json().get("error").asText()).as(path).contains("unreachable");
        }
        assertThat(Http.get(a.port(), "/v1/devices/" + deviceOn(0)).status()).isEqualTo(200);
    }

    @Test
    void whileTheHighestPartitionHasNoOwnerFleetWideAnswersAre503NotAPartialCount() {
        // partition 1, the highest, is in nobody's assignment: no metadata names it
        a.holding(Set.of(0), Set.of());
        b.holding(Set.of(), Set.of());

        for (TestInstance asked : List.of(a, b)) {
            for (String path : List.of("/v1/fleet/summary", "/v1/devices", "/v1/devices?status=ATTACHED",
                    "/v1/organisations/500/events", "/v1/organisations/501/events?type=3,5")) {
                Http.Response response = Http.get(asked.port(), path);
                assertThat(response.status()).as(path).isEqualTo(503);
                assertThat(response.header("Retry-After")).as(path).contains("2");
                assertThat(response.header("Content-Type")).as(path).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                assertThat(response.json().get("status").asInt()).as(path).isEqualTo(503);
                assertThat(response.json().get("error").asText()).as(path)
                        .contains("partition 1 of the 2 of " + fleet.topics.raw()).contains("no owner").contains("retry");
            }
        }
        assertThat(Http.get(b.port(), "/v1/devices/" + deviceOn(0)).status()).as("a key on an owned partition").isEqualTo(200);
        Http.Response unowned = Http.get(a.port(), "/v1/devices/" + deviceOn(1));
        assertThat(unowned.status()).as("never a 404 for a key on an unowned partition").isEqualTo(503);
        assertThat(unowned.header("Retry-After")).contains("2");
    }

    @Test
    void aPartitionWithOnlyAStandbyRightNowIsCountedFromTheStandbyAndSaidToBeStale() {
        a.holding(Set.of(0), Set.of());
        b.holding(Set.of(), Set.of(1));

        Http.Response summary = Http.get(a.port(), "/v1/fleet/summary");
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.header(QueryServer.STALE_HEADER)).contains("true");
        assertThat(summary.json().get("partitions").asInt()).isEqualTo(2);
        assertThat(summary.json().get("devices").get("total").asInt()).isEqualTo(DEVICES.size());

        Http.Response device = Http.get(a.port(), "/v1/devices/" + deviceOn(1));
        assertThat(device.status()).isEqualTo(200);
        assertThat(device.json().get("stale").asBoolean()).isTrue();
    }

    @Test
    void anOwnerThatCannotReadItsPartitionYetMakesThe503TravelBackNotA404() {
        b.storesReady(false); // restoring after a rebalance that A's metadata already shows

        for (String path : List.of("/v1/devices/" + deviceOn(1), "/v1/devices/424242", "/v1/fleet/summary",
                "/v1/organisations/501/events")) {
            Http.Response response = Http.get(a.port(), path);
            assertThat(response.status()).as(path).isEqualTo(503);
            assertThat(response.header("Retry-After")).as(path).contains("2");
        }
        assertThat(Http.get(a.port(), "/v1/devices/" + deviceOn(0)).status()).isEqualTo(200);
    }

    @Test
    void instancesListsBothWithTheirPartitionsAndStates() {
        b.state("REBALANCING");
        JsonNode instances = Http.get(a.port(), "/v1/instances").json().get("instances");
        assertThat(instances).hasSize(2);
        JsonNode first = instances.get(0).get("port").asInt() == a.port() ? instances.get(0) : instances.get(1);
        JsonNode second = first == instances.get(0) ? instances.get(1) : instances.get(0);
        assertThat(first.get("self").asBoolean()).isTrue();
        assertThat(first.get("active_partitions").toString()).isEqualTo("[0]");
        assertThat(first.get("standby_partitions").toString()).isEqualTo("[1]");
        assertThat(first.get("state").asText()).isEqualTo("RUNNING");
        assertThat(second.get("self").asBoolean()).isFalse();
        assertThat(second.get("state").asText()).isEqualTo("REBALANCING");

        b.stop();
        JsonNode afterStop = Http.get(a.port(), "/v1/instances").json().get("instances");
        assertThat(afterStop.findValuesAsText("state")).contains("UNREACHABLE");
    }

    private static JsonNode withoutStale(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        copy.remove("stale");
        return copy;
    }
}
