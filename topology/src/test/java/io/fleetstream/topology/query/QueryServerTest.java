package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.emnify.EmnifyEventWriter;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint, filter and error of one instance that holds every partition. */
class QueryServerTest {

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static TestInstance instance;
    static final EmnifyEventWriter WRITER = new EmnifyEventWriter();

    static final TestEvents online = new TestEvents(6001, 88);
    static final TestEvents attached = new TestEvents(6002, 88);
    static final TestEvents located = new TestEvents(6003, 88);
    static final TestEvents purged = new TestEvents(6004, 88);
    static final TestEvents blocked = new TestEvents(6005, 88);
    static final List<TestEvents> others = List.of(new TestEvents(7001, 99), new TestEvents(7002, 99),
            new TestEvents(7003, 99), new TestEvents(7004, 99), new TestEvents(7005, 99));
    /** The history of device 6001, in the order it happened. */
    static final List<EmnifyEvent> history = new ArrayList<>();
    static EmnifyEvent management;

    static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @BeforeAll
    static void fleetWithHistory() {
        fleet = new PartitionedFleet(2, stateDir, T0.plus(Duration.ofDays(1)));
        // device 6001: 26 events over 50 minutes, ending online; rejected creates and a quota among them
        for (int i = 0; i < 24; i++) {
            EmnifyEvent e = switch (i % 4) {
                case 0 -> online.updateLocation(at(2 * i));
                case 1 -> online.createPdp(at(2 * i), "s" + i);
                case 2 -> online.deletePdp(at(2 * i), "s" + (i - 1), at(2 * i - 2), 1.5, 2.5);
                default -> online.rejectedCreate(at(2 * i));
            };
            history.add(e);
        }
        history.add(online.quota(56, at(5), QuotaDetail.newBuilder().setStatusId(1).setVolume(100.0)
                .setActionOnExhaustionId(2).setPeakThroughput(64000L).build()));
        history.add(online.createPdp(at(48), "s-last"));
        history.forEach(fleet::send);

        // ends its session late enough that no partition's event time passes the offline window
        fleet.send(attached.createPdp(at(1), "a1"));
        fleet.send(attached.deletePdp(at(47), "a1", at(1), 1, 1));
        fleet.send(located.updateLocation(at(1)));
        fleet.send(purged.updateLocation(at(1)));
        fleet.send(purged.purge(at(2)));
        fleet.send(blocked.createPdp(at(1), "b1"));
        fleet.send(blocked.blocked(at(2)));
        for (int i = 0; i < others.size(); i++) {
            TestEvents other = others.get(i);
            fleet.send(i % 2 == 0 ? other.createPdp(at(10 + i), "o" + i) : other.updateLocation(at(10 + i)));
        }

        fleet.send(attached.quota(19, at(6), QuotaDetail.newBuilder().setVolume(-0.5).build()));
        fleet.send(located.quota(58, at(7), QuotaDetail.newBuilder().setStatusId(1).setVolume(50.0).build()));
        management = online.organisationEvent(52, at(8), "Data quota management enabled for service profile (id = 4 - Meters)");
        fleet.send(management);

        instance = TestInstance.alone(fleet);
    }

    @AfterAll
    static void stop() {
        instance.close();
        fleet.close();
    }

    @AfterEach
    void runningAgain() {
        instance.state("RUNNING");
        instance.storesReady(true);
        instance.rebalancing(false);
        instance.holding(Set.of(0, 1), Set.of());
    }

    private static Http.Response get(String pathAndQuery) {
        return Http.get(instance.port(), pathAndQuery);
    }

    private static List<Long> ids(Http.Response response) {
        return StreamSupport.stream(response.json().spliterator(), false).map(e -> e.get("id").asLong()).toList();
    }

    private static List<Long> idsOf(List<EmnifyEvent> events) {
        return events.stream().map(EmnifyEvent::getId).toList();
    }

    private static List<EmnifyEvent> newestFirst(List<EmnifyEvent> events) {
        return events.stream().sorted(Comparator.comparing(EmnifyEvent::getTimestamp).thenComparing(EmnifyEvent::getId)
                .reversed()).toList();
    }

    /** The event as emnify's JSON, read back as a client reads it (numbers as the parser types them). */
    private static JsonNode written(EmnifyEvent event) {
        try {
            return io.fleetstream.schemas.json.Json.mapper().readTree(WRITER.write(event).toString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static List<Long> endpointIds(JsonNode page) {
        return StreamSupport.stream(page.get("devices").spliterator(), false).map(d -> d.get("endpoint_id").asLong()).toList();
    }

    private static void assertBadRequest(String pathAndQuery, String parameter) {
        Http.Response response = get(pathAndQuery);
        assertThat(response.status()).as(pathAndQuery).isEqualTo(400);
        assertThat(response.json().get("parameter").asText()).as(pathAndQuery).isEqualTo(parameter);
        assertThat(response.json().get("error").asText()).as(pathAndQuery).contains(parameter);
    }

    @Test
    void theFleetIsSpreadOverBothPartitions() {
        Set<Integer> used = new HashSet<>();
        for (long id = 6001; id <= 6005; id++) {
            used.add(fleet.partitionOf(Long.toString(id)));
        }
        assertThat(used).as("the gathering tests need devices on both partitions").containsExactlyInAnyOrder(0, 1);
    }

    // ---- devices

    @Test
    void aDeviceIsAnsweredWithItsStateInSnakeCaseAndUtcTimes() {
        Http.Response response = get("/v1/devices/6001");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode device = response.json();
        assertThat(device.get("endpoint_id").asLong()).isEqualTo(6001);
        assertThat(device.get("status").asText()).isEqualTo("ONLINE");
        assertThat(device.get("online").asBoolean()).isTrue();
        assertThat(device.get("session").get("session_id").asText()).isEqualTo("s-last");
        assertThat(device.get("session").get("started_at").asText()).isEqualTo("2025-03-01T10:48:00Z");
        assertThat(device.get("last_event_at").asText()).isEqualTo("2025-03-01T10:48:00Z");
        assertThat(device.get("last_event_id").asLong()).isEqualTo(history.get(25).getId());
        assertThat(device.get("last_rejection").get("reason").asText()).contains("no quota");
        assertThat(device.get("last_session").get("volume").get("total").asDouble()).isEqualTo(4.0);
        assertThat(device.has("offline_due_at")).isTrue();
        assertThat(device.has("location")).isTrue();
        assertThat(device.has("stale")).as("only answers from a standby say stale").isFalse();
    }

    @Test
    void eachStatusIsAnsweredForItsDevice() {
        assertThat(get("/v1/devices/6002").json().get("status").asText()).isEqualTo("ATTACHED");
        assertThat(get("/v1/devices/6002").json().get("offline_due_at").asText()).isEqualTo("2025-03-01T10:52:00Z");
        assertThat(get("/v1/devices/6003").json().get("status").asText()).isEqualTo("ATTACHED");
        assertThat(get("/v1/devices/6004").json().get("status").asText()).isEqualTo("OFFLINE");
        assertThat(get("/v1/devices/6005").json().get("status").asText()).isEqualTo("BLOCKED");
    }

    @Test
    void anUnknownDeviceIsNotFoundWithAJsonError() {
        Http.Response response = get("/v1/devices/999999");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").asText()).contains("999999");
        assertThat(response.json().get("status").asInt()).isEqualTo(404);
    }

    @Test
    void aBadEndpointIdIsRefusedNamingTheParameter() {
        assertBadRequest("/v1/devices/abc", "endpoint_id");
        assertBadRequest("/v1/devices/-5", "endpoint_id");
        assertBadRequest("/v1/devices/12x/quota", "endpoint_id");
        assertBadRequest("/v1/devices/x/events", "endpoint_id");
        assertBadRequest("/v1/organisations/x/events", "organisation_id");
        assertBadRequest("/v1/organisations/x/quota-management", "organisation_id");
    }

    @Test
    void anUnknownQueryParameterIsRefusedRatherThanIgnored() {
        assertBadRequest("/v1/devices/6001?verbose=true", "verbose");
        assertBadRequest("/v1/devices?stauts=ONLINE", "stauts");
        assertBadRequest("/v1/devices/6001/events?per_pgae=5", "per_pgae");
        assertBadRequest("/v1/fleet/summary?x=1", "x");
    }

    // ---- quotas

    @Test
    void aDevicesQuotaShowsDataAndSmsSideBySide() {
        JsonNode quota = get("/v1/devices/6001/quota").json();
        assertThat(quota.get("endpoint_id").asLong()).isEqualTo(6001);
        assertThat(quota.get("data").get("status").asText()).isEqualTo("ACTIVE");
        assertThat(quota.get("data").get("remaining_volume").asDouble()).isEqualTo(100.0);
        assertThat(quota.get("data").get("action_on_exhaustion").asText()).isEqualTo("THROTTLE");
        assertThat(quota.get("data").get("peak_throughput").asLong()).isEqualTo(64000);
        assertThat(quota.get("sms").get("status").asText()).isEqualTo("NONE");

        assertThat(get("/v1/devices/6002/quota").json().get("data").get("status").asText()).isEqualTo("EXHAUSTED");
        assertThat(get("/v1/devices/6003/quota").json().get("sms").get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void aDeviceWithoutQuotaEventsHasNoQuotaRecord() {
        Http.Response response = get("/v1/devices/6004/quota");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").asText()).contains("6004");
    }

    @Test
    void anOrganisationsQuotaManagementListsItsServiceProfiles() {
        JsonNode management = get("/v1/organisations/88/quota-management").json();
        assertThat(management.get("organisation_id").asLong()).isEqualTo(88);
        assertThat(management.get("service_profiles")).hasSize(1);
        JsonNode profile = management.get("service_profiles").get(0);
        assertThat(profile.get("service_profile_id").asLong()).isEqualTo(4);
        assertThat(profile.get("data").get("status").asText()).isEqualTo("ENABLED");
        assertThat(profile.get("sms").get("status").asText()).isEqualTo("UNKNOWN");

        assertThat(get("/v1/organisations/12345/quota-management").status()).isEqualTo(404);
    }

    // ---- device history

    @Test
    void aDevicesEventsComeNewestFirstInEmnifysShape() {
        Http.Response response = get("/v1/devices/6001/events");

        assertThat(response.status()).isEqualTo(200);
        assertThat(ids(response)).containsExactlyElementsOf(idsOf(newestFirst(history)));
        assertThat(response.json().get(0)).isEqualTo(written(history.get(25)));
        assertThat(response.json().get(0).get("timestamp").asText()).isEqualTo("2025-03-01T10:48:00.000Z");
        assertThat(response.header("X-Total-Count")).contains("26");
    }

    @Test
    void typeFiltersTakeCommaSeparatedOrRepeatedIds() {
        List<Long> createsAndDeletes = idsOf(newestFirst(history.stream()
                .filter(e -> e.getEventType().getId() == 3 || e.getEventType().getId() == 5).toList()));

        assertThat(ids(get("/v1/devices/6001/events?type=3,5"))).containsExactlyElementsOf(createsAndDeletes);
        assertThat(ids(get("/v1/devices/6001/events?type=3&type=5"))).containsExactlyElementsOf(createsAndDeletes);
        assertThat(ids(get("/v1/devices/6001/events?type=2"))).isEmpty();
        assertBadRequest("/v1/devices/6001/events?type=three", "type");
        assertBadRequest("/v1/devices/6001/events?type=3,,5", "type");
    }

    @Test
    void severitySourceAndAlertFilterByIdOrEmnifysNames() {
        List<Long> warnings = expected(e -> e.getEventSeverity().getId() == 1);
        List<Long> policyControl = expected(e -> e.getEventSource().getId() == 1);
        List<Long> alerts = expected(EmnifyEvent::getAlert);
        assertThat(warnings).hasSize(6);
        assertThat(policyControl).as("the rejected creates and the quota assignment").hasSize(7);

        assertThat(ids(get("/v1/devices/6001/events?severity=1"))).containsExactlyElementsOf(warnings);
        assertThat(ids(get("/v1/devices/6001/events?severity=WARN"))).containsExactlyElementsOf(warnings);
        assertThat(ids(get("/v1/devices/6001/events?severity=info,critical")))
                .containsExactlyElementsOf(expected(e -> e.getEventSeverity().getId() != 1));
        assertThat(ids(get("/v1/devices/6001/events?source=1"))).containsExactlyElementsOf(policyControl);
        assertThat(ids(get("/v1/devices/6001/events?source=policy%20control"))).containsExactlyElementsOf(policyControl);
        assertThat(ids(get("/v1/devices/6001/events?source=0,2")))
                .containsExactlyElementsOf(expected(e -> e.getEventSource().getId() != 1));
        assertThat(ids(get("/v1/devices/6001/events?alert=true"))).containsExactlyElementsOf(alerts);
        assertThat(ids(get("/v1/devices/6001/events?alert=0"))).containsExactlyElementsOf(expected(e -> !e.getAlert()));
        assertThat(ids(get("/v1/devices/6001/events?alert=1&source=1&type=3"))).containsExactlyElementsOf(alerts);

        assertBadRequest("/v1/devices/6001/events?severity=LOUD", "severity");
        assertBadRequest("/v1/devices/6001/events?severity=7", "severity");
        assertBadRequest("/v1/devices/6001/events?source=satellite", "source");
        assertBadRequest("/v1/devices/6001/events?alert=maybe", "alert");
    }

    private static List<Long> expected(java.util.function.Predicate<EmnifyEvent> filter) {
        return idsOf(newestFirst(history.stream().filter(filter).toList()));
    }

    @Test
    void fromAndUntilBoundTheTimeRangeInclusively() {
        List<Long> expected = idsOf(newestFirst(history.stream()
                .filter(e -> !e.getTimestamp().isBefore(at(10)) && !e.getTimestamp().isAfter(at(20))).toList()));
        assertThat(expected).hasSize(6);

        assertThat(ids(get("/v1/devices/6001/events?from=2025-03-01T10:10:00Z&until=2025-03-01T10:20:00Z")))
                .containsExactlyElementsOf(expected);
        assertThat(ids(get("/v1/devices/6001/events?from=2025-03-01%2010:10:00&until=2025-03-01T10:20:00.000Z")))
                .as("emnify's other time shapes").containsExactlyElementsOf(expected);
        assertThat(get("/v1/devices/6001/events?from=2025-03-01T10:40:00Z").header("X-Total-Count")).contains("5");
        assertThat(get("/v1/devices/6001/events?until=2025-03-01T10:00:00Z").header("X-Total-Count")).contains("1");

        assertBadRequest("/v1/devices/6001/events?from=yesterday", "from");
        assertBadRequest("/v1/devices/6001/events?from=2025-03-02T00:00:00Z&until=2025-03-01T00:00:00Z", "from");
    }

    @Test
    void emnifysQueryParameterCarriesTheSameFilters() {
        assertThat(ids(get("/v1/devices/6001/events?q=type:3,alert:true")))
                .containsExactlyElementsOf(ids(get("/v1/devices/6001/events?type=3&alert=true")));
        assertThat(ids(get("/v1/devices/6001/events?q=from:2025-03-01T10:10:00Z,until:2025-03-01T10:20:00Z&type=5")))
                .containsExactlyElementsOf(ids(get("/v1/devices/6001/events?from=2025-03-01T10:10:00Z&until=2025-03-01T10:20:00Z&type=5")));

        assertBadRequest("/v1/devices/6001/events?q=iccid:123", "q");
        assertBadRequest("/v1/devices/6001/events?q=type", "q");
        assertBadRequest("/v1/devices/6001/events?q=severity:loud", "q");
        assertBadRequest("/v1/devices/6001/events?q=type:3&type=5", "q");
    }

    @Test
    void sortOrdersByTimeOrIdEitherWay() {
        List<EmnifyEvent> oldestFirst = reversed(newestFirst(history));
        assertThat(ids(get("/v1/devices/6001/events?sort=timestamp"))).containsExactlyElementsOf(idsOf(oldestFirst));
        assertThat(ids(get("/v1/devices/6001/events?sort=id")))
                .containsExactlyElementsOf(history.stream().map(EmnifyEvent::getId).sorted().toList());
        assertThat(ids(get("/v1/devices/6001/events?sort=-id")))
                .containsExactlyElementsOf(history.stream().map(EmnifyEvent::getId).sorted(Comparator.reverseOrder()).toList());
        assertBadRequest("/v1/devices/6001/events?sort=name", "sort");
    }

    @Test
    void pagesCarryEmnifysPagingHeadersAndLinks() {
        Http.Response second = get("/v1/devices/6001/events?type=1,5&per_page=5&page=2");
        List<Long> all = ids(get("/v1/devices/6001/events?type=1,5"));

        assertThat(all).hasSize(12);
        assertThat(ids(second)).containsExactlyElementsOf(all.subList(5, 10));
        assertThat(second.header("X-Total-Count")).contains("12");
        assertThat(second.header("X-Total-Pages")).contains("3");
        assertThat(second.header("X-Current-Page")).contains("2");
        assertThat(second.header("X-Count-Per-Page")).contains("5");
        assertThat(second.header("Link")).contains(
                "</v1/devices/6001/events?type=1%2C5&per_page=5&page=1>; rel=\"first\", "
                        + "</v1/devices/6001/events?type=1%2C5&per_page=5&page=1>; rel=\"prev\", "
                        + "</v1/devices/6001/events?type=1%2C5&per_page=5&page=3>; rel=\"next\", "
                        + "</v1/devices/6001/events?type=1%2C5&per_page=5&page=3>; rel=\"last\"");

        Http.Response last = get("/v1/devices/6001/events?type=1,5&per_page=5&page=3");
        assertThat(ids(last)).containsExactlyElementsOf(all.subList(10, 12));
        assertThat(last.header("Link")).hasValueSatisfying(link -> assertThat(link).doesNotContain("rel=\"next\""));
    }

    @Test
    void aPagePastTheEndGetsTheLastPageAgainLikeEmnify() {
        Http.Response beyond = get("/v1/devices/6001/events?per_page=10&page=9");
        assertThat(beyond.header("X-Current-Page")).contains("3");
        assertThat(ids(beyond)).containsExactlyElementsOf(ids(get("/v1/devices/6001/events?per_page=10&page=3")));
        assertThat(ids(beyond)).hasSize(6);
    }

    @Test
    void aDeviceWithoutHistoryHasAnEmptyFirstPage() {
        Http.Response none = get("/v1/devices/424242/events?page=3");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json()).isEmpty();
        assertThat(none.header("X-Total-Count")).contains("0");
        assertThat(none.header("X-Total-Pages")).contains("0");
        assertThat(none.header("X-Current-Page")).contains("1");
    }

    @Test
    void pagingParametersOutOfRangeAreRefused() {
        assertBadRequest("/v1/devices/6001/events?per_page=1001", "per_page");
        assertBadRequest("/v1/devices/6001/events?per_page=0", "per_page");
        assertBadRequest("/v1/devices/6001/events?page=0", "page");
        assertBadRequest("/v1/devices/6001/events?page=two", "page");
        assertBadRequest("/v1/devices/6001/events?page=1&page=2", "page");
        assertThat(get("/v1/devices/6001/events?per_page=1000").status()).isEqualTo(200);
    }

    // ---- organisation history

    @Test
    void anOrganisationsEventsAreGatheredFromEveryPartitionNewestFirst() {
        List<EmnifyEvent> org88 = newestFirst(fleet.sent().stream()
                .filter(e -> e.getOrganisation().getId() == 88).toList());
        Set<Integer> partitions = new HashSet<>();
        org88.forEach(e -> partitions.add(fleet.partitionOf(e.getEndpoint() == null ? "org-88"
                : Long.toString(e.getEndpoint().getId()))));
        assertThat(partitions).containsExactlyInAnyOrder(0, 1);

        Http.Response all = get("/v1/organisations/88/events?per_page=1000");
        assertThat(ids(all)).containsExactlyElementsOf(idsOf(org88));
        assertThat(all.header("X-Total-Count")).contains(Integer.toString(org88.size()));
        assertThat(all.json().get(0)).isEqualTo(written(org88.get(0)));

        Http.Response page3 = get("/v1/organisations/88/events?per_page=7&page=3");
        assertThat(ids(page3)).containsExactlyElementsOf(idsOf(org88).subList(14, 21));
        assertThat(page3.header("X-Total-Pages")).contains(Long.toString((org88.size() + 6) / 7));

        assertThat(ids(get("/v1/organisations/88/events?type=52"))).containsExactly(management.getId());
        assertThat(ids(get("/v1/organisations/88/events?sort=timestamp&per_page=3")))
                .containsExactlyElementsOf(idsOf(reversed(org88).subList(0, 3)));
        assertThat(get("/v1/organisations/4711/events").json()).isEmpty();
    }

    // ---- listing and summary

    @Test
    void theDeviceListGathersEveryPartitionAndFiltersByStatusAndPresence() {
        JsonNode all = get("/v1/devices").json();
        assertThat(all.get("devices")).hasSize(10);
        assertThat(all.get("next_cursor").isNull()).isTrue();

        assertThat(endpointIds(get("/v1/devices?status=ATTACHED").json())).containsExactly(6002L, 6003L, 7002L, 7004L);
        assertThat(endpointIds(get("/v1/devices?status=online,blocked").json()))
                .containsExactly(6001L, 6005L, 7001L, 7003L, 7005L);
        assertThat(endpointIds(get("/v1/devices?online=false").json())).containsExactly(6003L, 6004L, 7002L, 7004L);
        assertThat(endpointIds(get("/v1/devices?status=ATTACHED&online=true").json())).containsExactly(6002L);

        assertBadRequest("/v1/devices?status=SLEEPING", "status");
        assertBadRequest("/v1/devices?online=yes", "online");
        assertBadRequest("/v1/devices?limit=1001", "limit");
        assertBadRequest("/v1/devices?cursor=bm90LW91cnM", "cursor");
        assertBadRequest("/v1/devices?cursor=%25%25", "cursor");
    }

    @Test
    void theCursorPagesThroughEveryDeviceExactlyOnce() {
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/v1/devices?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.get("devices").size()).isBetween(1, 3);
            seen.addAll(endpointIds(page));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(4);
        assertThat(seen).containsExactlyInAnyOrder(6001L, 6002L, 6003L, 6004L, 6005L, 7001L, 7002L, 7003L, 7004L, 7005L);

        List<Long> filtered = new ArrayList<>();
        JsonNode first = get("/v1/devices?status=ATTACHED&limit=2").json();
        filtered.addAll(endpointIds(first));
        JsonNode second = get("/v1/devices?status=ATTACHED&limit=2&cursor=" + first.get("next_cursor").asText()).json();
        filtered.addAll(endpointIds(second));
        assertThat(filtered).containsExactly(6002L, 6003L, 7002L, 7004L);
        assertThat(second.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void theFleetSummaryIsTheSumOverEveryDevice() {
        JsonNode summary = get("/v1/fleet/summary").json();

        Map<String, Integer> byStatus = new java.util.TreeMap<>();
        int onlineCount = 0;
        for (long id : List.of(6001L, 6002L, 6003L, 6004L, 6005L, 7001L, 7002L, 7003L, 7004L, 7005L)) {
            JsonNode device = get("/v1/devices/" + id).json();
            byStatus.merge(device.get("status").asText(), 1, Integer::sum);
            onlineCount += device.get("online").asBoolean() ? 1 : 0;
        }
        assertThat(summary.get("devices").get("total").asInt()).isEqualTo(10);
        assertThat(summary.get("devices").get("online").asInt()).isEqualTo(onlineCount);
        byStatus.forEach((status, n) -> assertThat(summary.get("devices").get("by_status").get(status).asInt())
                .as(status).isEqualTo(n));
        assertThat(summary.get("devices").get("by_status").get("UNKNOWN").asInt()).isZero();
        assertThat(summary.get("quotas").get("endpoints").asInt()).isEqualTo(3);
        assertThat(summary.get("quotas").get("data").get("ACTIVE").asInt()).isEqualTo(1);
        assertThat(summary.get("quotas").get("data").get("EXHAUSTED").asInt()).isEqualTo(1);
        assertThat(summary.get("quotas").get("data").get("NONE").asInt()).isEqualTo(1);
        assertThat(summary.get("quotas").get("sms").get("ACTIVE").asInt()).isEqualTo(1);
        assertThat(summary.get("quotas").get("sms").get("NONE").asInt()).isEqualTo(2);
        assertThat(summary.get("partitions").asInt()).isEqualTo(2);
    }

    // ---- catalog, instances, health, metrics, documents

    @Test
    void theEventTypeCatalogIsServedLikeEmnifysEventTypeList() {
        JsonNode types = get("/v1/event-types").json();
        assertThat(types).hasSize(EventCatalog.standard().all().size());
        JsonNode create = StreamSupport.stream(types.spliterator(), false).filter(t -> t.get("id").asInt() == 3)
                .findFirst().orElseThrow();
        assertThat(create.get("description").asText()).isEqualTo("Create PDP Context");
        assertThat(create.get("category").asText()).isEqualTo("data-connection");
    }

    @Test
    void instancesListsEachInstanceWithItsPartitionsAndState() {
        JsonNode instances = get("/v1/instances").json().get("instances");
        assertThat(instances).hasSize(1);
        assertThat(instances.get(0).get("port").asInt()).isEqualTo(instance.port());
        assertThat(instances.get(0).get("self").asBoolean()).isTrue();
        assertThat(instances.get(0).get("state").asText()).isEqualTo("RUNNING");
        assertThat(instances.get(0).get("active_partitions").toString()).isEqualTo("[0,1]");
        assertThat(instances.get(0).get("standby_partitions").toString()).isEqualTo("[]");
    }

    @Test
    void readinessFollowsKafkaStreamsAndLivenessDoesNot() {
        assertThat(get("/health/ready").status()).isEqualTo(200);
        instance.state("REBALANCING");
        Http.Response ready = get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.header("Retry-After")).contains("2");
        assertThat(ready.json().get("streams").asText()).isEqualTo("REBALANCING");
        assertThat(get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void aRunningKafkaStreamsThatWaitsForSomethingIsNotReadyAndSaysWhy() {
        instance.waitingFor("waiting for the schema registry: processing is paused");

        Http.Response ready = get("/health/ready");

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("checks").get("kafka_streams").asText()).isEqualTo("DOWN");
        assertThat(ready.json().get("reason").asText()).isEqualTo("waiting for the schema registry: processing is paused");
        assertThat(ready.json().get("streams").asText()).isEqualTo("RUNNING");
        instance.waitingFor(null);
        assertThat(get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void healthAnswersTheContractEveryRoleShares() {
        JsonNode live = get("/health/live").json();
        assertThat(live.get("status").asText()).isEqualTo("UP");
        assertThat(live.get("checks").size()).isZero();
        JsonNode ready = get("/health/ready").json();
        assertThat(ready.get("status").asText()).isEqualTo("UP");
        assertThat(ready.get("checks").get("kafka_streams").asText()).isEqualTo("UP");
        assertThat(ready.has("reason")).isFalse();

        instance.state("REBALANCING");
        JsonNode down = get("/health/ready").json();
        assertThat(down.get("status").asText()).isEqualTo("DOWN");
        assertThat(down.get("checks").get("kafka_streams").asText()).isEqualTo("DOWN");
        assertThat(down.get("reason").asText()).isEqualTo("Kafka Streams is REBALANCING, not RUNNING");
    }

    @Test
    void metricsAreServedInPrometheusTextFormat() {
        get("/v1/devices/6001");
        Http.Response metrics = get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body()).contains("fleetstream_query_requests_seconds_count{internal=\"false\",method=\"GET\",route=\"/v1/devices/{endpoint_id}\",status=\"200\"}");
        // a histogram with the API's latency buckets, from 5 ms to 10 s and the catch-all
        assertThat(metrics.body())
                .contains("fleetstream_query_requests_seconds_bucket{internal=\"false\",method=\"GET\",route=\"/v1/devices/{endpoint_id}\",status=\"200\",le=\"0.005\"}")
                .contains("fleetstream_query_requests_seconds_bucket{internal=\"false\",method=\"GET\",route=\"/v1/devices/{endpoint_id}\",status=\"200\",le=\"10.0\"}")
                .contains("fleetstream_query_requests_seconds_bucket{internal=\"false\",method=\"GET\",route=\"/v1/devices/{endpoint_id}\",status=\"200\",le=\"+Inf\"}");
    }

    @Test
    void theOpenApiDocumentIsServed() {
        Http.Response doc = get("/openapi.yaml");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.body()).startsWith("openapi: 3");
    }

    @Test
    void anUnknownPathIsAJsonNotFound() {
        Http.Response response = get("/v1/nothing-here");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").asText()).contains("/v1/nothing-here");
    }

    // ---- not queryable

    @Test
    void duringARebalanceEveryStateEndpointAnswers503WithRetryAfterNeverNotFoundOrEmpty() {
        instance.rebalancing(true);
        for (String path : List.of("/v1/devices/6001", "/v1/devices/999999", "/v1/devices/6001/quota",
                "/v1/devices/6001/events", "/v1/organisations/88/quota-management", "/v1/organisations/88/events",
                "/v1/devices", "/v1/fleet/summary")) {
            Http.Response response = get(path);
            assertThat(response.status()).as(path).isEqualTo(503);
            assertThat(response.header("Retry-After")).as(path).contains("2");
            assertThat(response.json().get("error").asText()).as(path).isNotBlank();
        }
    }

    @Test
    void aPartitionThisInstanceOwnsButCannotReadYetIs503() {
        instance.storesReady(false);
        for (String path : List.of("/v1/devices/6001", "/v1/devices/999999", "/v1/devices/6001/events",
                "/v1/devices", "/v1/fleet/summary")) {
            Http.Response response = get(path);
            assertThat(response.status()).as(path).isEqualTo(503);
            assertThat(response.header("Retry-After")).as(path).contains("2");
        }
    }
}
