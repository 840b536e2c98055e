package io.fleetstream.topology.query;

import io.fleetstream.http.HostAddresses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query API's bearer token: every question needs it, probes and metrics do not, and instances forward and
 * gather with it, so two instances with auth on answer like one. Without a token, {@code local}'s policy serves only
 * this host (403 in JSON for others) while {@code topology}'s serves anyone.
 */
class QueryAuthenticationTest {

    private static final String TOKEN = "query-token-7f3a-SECRET";
    private static final Map<String, String> WITH_TOKEN = Map.of("Authorization", "Bearer " + TOKEN);
    private static final List<Long> DEVICES = LongStream.rangeClosed(9001, 9008).boxed().toList();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    private final List<TestInstance> instances = new ArrayList<>();

    @BeforeAll
    static void fleet() {
        fleet = new PartitionedFleet(2, stateDir, T0.plus(Duration.ofDays(1)));
        for (long id : DEVICES) {
            TestEvents device = new TestEvents(id, 700);
            Instant t = T0.plusSeconds(id - 9000);
            fleet.send(device.updateLocation(t));
            fleet.send(device.createPdp(t.plusSeconds(30), "s" + id));
        }
    }

    @AfterAll
    static void closeFleet() {
        fleet.close();
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(TestInstance::close);
    }

    private TestInstance instance(String host, QueryAccess access) {
        TestInstance instance = new TestInstance(fleet, host, access);
        instances.add(instance);
        return instance;
    }

    /** Two instances, each the active owner of one partition, with these accesses. */
    private List<TestInstance> pair(QueryAccess first, QueryAccess second) {
        TestInstance a = instance("127.0.0.1", first).holding(Set.of(0), Set.of());
        TestInstance b = instance("127.0.0.1", second).holding(Set.of(1), Set.of());
        TestInstance.group(a, b);
        return List.of(a, b);
    }

    private static long deviceOn(int partition) {
        return DEVICES.stream().filter(id -> fleet.partitionOf(Long.toString(id)) == partition).findFirst().orElseThrow();
    }

    @Test
    void withATokenAQuestionWithoutItOrWithAnotherIsRefusedWithTheChallengeInTheJsonErrorShape() {
        TestInstance alone = instance("127.0.0.1", QueryAccess.token(TOKEN)).holding(Set.of(0, 1), Set.of());
        TestInstance.group(alone);
        String path = "/v1/devices/" + deviceOn(0);

        Http.Response missing = Http.get(alone.port(), path);
        Http.Response wrong = Http.get(alone.port(), path, Map.of("Authorization", "Bearer " + TOKEN + "x"));
        Http.Response basic = Http.get(alone.port(), path, Map.of("Authorization", "Basic " + TOKEN));

        for (Http.Response refused : List.of(missing, wrong, basic)) {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).contains("Bearer realm=\"fleetstream query\"");
            assertThat(refused.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(refused.json().get("status").asInt()).isEqualTo(401);
            assertThat(refused.body()).doesNotContain(TOKEN);
        }
        assertThat(missing.json().get("error").asText()).contains("missing Authorization header", "Bearer");
        assertThat(wrong.json().get("error").asText()).contains("does not match");
        assertThat(Http.get(alone.port(), path, WITH_TOKEN).status()).isEqualTo(200);
        assertThat(Http.get(alone.port(), "/v1/devices/424242", WITH_TOKEN).status()).isEqualTo(404);
    }

    @Test
    void probesMetricsAndTheApiDescriptionNeedNoToken() {
        TestInstance alone = instance("127.0.0.1", QueryAccess.token(TOKEN)).holding(Set.of(0, 1), Set.of());
        TestInstance.group(alone);

        for (String path : QueryServer.OPEN_PATHS) {
            assertThat(Http.get(alone.port(), path).status()).as(path).isEqualTo(200);
        }
        for (String path : List.of("/v1/event-types", "/v1/instances", "/v1/devices", "/v1/fleet/summary",
                "/v1/organisations/700/events", "/v1/devices/9001/quota")) {
            assertThat(Http.get(alone.port(), path).status()).as(path).isEqualTo(401);
        }
    }

    @Test
    void forwardedAndGatheredQuestionsCarryTheTokenSoTwoInstancesAnswerLikeOne() {
        List<TestInstance> pair = pair(QueryAccess.token(TOKEN), QueryAccess.token(TOKEN));
        TestInstance a = pair.get(0);
        TestInstance b = pair.get(1);

        Http.Response forwarded = Http.get(a.port(), "/v1/devices/" + deviceOn(1), WITH_TOKEN);
        Http.Response summary = Http.get(a.port(), "/v1/fleet/summary", WITH_TOKEN);
        Http.Response devices = Http.get(b.port(), "/v1/devices", WITH_TOKEN);
        Http.Response events = Http.get(b.port(), "/v1/organisations/700/events?per_page=100", WITH_TOKEN);

        assertThat(forwarded.status()).as(forwarded.body()).isEqualTo(200);
        assertThat(forwarded.json().get("endpoint_id").asLong()).isEqualTo(deviceOn(1));
        assertThat(summary.status()).as(summary.body()).isEqualTo(200);
        assertThat(summary.json().get("devices").get("total").asInt()).isEqualTo(DEVICES.size());
        assertThat(devices.status()).as(devices.body()).isEqualTo(200);
        assertThat(events.status()).as(events.body()).isEqualTo(200);
        assertThat(events.header("X-Total-Count")).contains(Integer.toString(2 * DEVICES.size()));
        assertThat(b.meters.scrape()).contains("status=\"200\"").doesNotContain("status=\"401\"");
    }

    @Test
    void instancesWithDifferentTokensSaySoInsteadOfBlamingTheCallersToken() {
        String other = "another-token-0c1d-SECRET";
        List<TestInstance> pair = pair(QueryAccess.token(TOKEN), QueryAccess.token(other));
        TestInstance a = pair.get(0);

        Http.Response forwarded = Http.get(a.port(), "/v1/devices/" + deviceOn(1), WITH_TOKEN);
        Http.Response gathered = Http.get(a.port(), "/v1/fleet/summary", WITH_TOKEN);

        for (Http.Response response : List.of(forwarded, gathered)) {
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.json().get("error").asText()).contains("refused this instance's request (401)",
                    "same query token");
            assertThat(response.header("WWW-Authenticate")).isEmpty();
            assertThat(response.body()).doesNotContain(TOKEN, other);
        }
    }

    @Test
    void withoutATokenTheLoopbackOnlyPolicyRefusesOtherHostsIn403JsonAndServesThisOne() {
        InetAddress external = HostAddresses.nonLoopback();
        TestInstance local = instance("0.0.0.0", QueryAccess.open().loopbackOnlyWithoutToken()).holding(Set.of(0, 1), Set.of());
        TestInstance.group(local);
        String path = "/v1/devices/" + deviceOn(0);

        Response fromElsewhere = get(external, local.port(), path);
        assertThat(fromElsewhere.status()).isEqualTo(403);
        assertThat(fromElsewhere.body()).contains("\"status\":403", "serves only clients on its own host", "--query-token");
        assertThat(get(external, local.port(), "/health/ready").status()).isEqualTo(200);
        assertThat(Http.get(local.port(), path).status()).isEqualTo(200);
    }

    @Test
    void withoutATokenTheOpenPolicyServesOtherHosts() {
        InetAddress external = HostAddresses.nonLoopback();
        TestInstance open = instance("0.0.0.0", QueryAccess.open()).holding(Set.of(0, 1), Set.of());
        TestInstance.group(open);

        assertThat(get(external, open.port(), "/v1/devices/" + deviceOn(0)).status()).isEqualTo(200);
    }

    @Test
    void withATokenTheLoopbackOnlyPolicyServesOtherHostsThatSendIt() {
        InetAddress external = HostAddresses.nonLoopback();
        TestInstance local = instance("0.0.0.0", QueryAccess.token(TOKEN).loopbackOnlyWithoutToken())
                .holding(Set.of(0, 1), Set.of());
        TestInstance.group(local);
        String path = "/v1/devices/" + deviceOn(0);

        assertThat(get(external, local.port(), path, WITH_TOKEN).status()).isEqualTo(200);
        assertThat(get(external, local.port(), path).status()).isEqualTo(401);
    }

    @Test
    void theAccessAndTheServersConfigurationNeverPrintTheToken() {
        QueryServer.Config config = new QueryServer.Config("127.0.0.1", 0, Duration.ofSeconds(1), QueryAccess.token(TOKEN));

        assertThat(config.toString()).contains("token=***").doesNotContain(TOKEN);
        assertThat(QueryAccess.ofNullable("  ")).isEqualTo(QueryAccess.open());
        assertThat(new HttpPeerClient(Duration.ofSeconds(1), Optional.of(TOKEN)).toString()).doesNotContain(TOKEN);
    }

    @Test
    void theApiDescriptionSaysWhichOperationsNeedNoToken() throws IOException {
        TestInstance alone = instance("127.0.0.1", QueryAccess.token(TOKEN)).holding(Set.of(0, 1), Set.of());
        JsonNode document = new YAMLMapper().readTree(Http.get(alone.port(), "/openapi.yaml").body());
        Set<String> open = new TreeSet<>();
        document.get("paths").properties().forEach(path -> {
            JsonNode security = path.getValue().path("get").path("security");
            if (security.isArray() && security.isEmpty()) {
                open.add(path.getKey());
            }
        });

        assertThat(open).containsExactlyInAnyOrderElementsOf(QueryServer.OPEN_PATHS);
        assertThat(document.at("/components/securitySchemes/bearerToken/scheme").asText()).isEqualTo("bearer");
    }

    // ---- a client on another address of this host

    private record Response(int status, String body) {
    }

    private static Response get(InetAddress address, int port, String path) {
        return get(address, port, path, Map.of());
    }

    private static Response get(InetAddress address, int port, String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address.getHostAddress() + ":" + port + path));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " at " + address + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

}
