package io.fleetstream.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.schemas.json.Json;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpEdgeTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<Health> health = new AtomicReference<>(Health.check("kafka", true, null));
    private final AtomicInteger observed = new AtomicInteger();
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private void start() {
        app = HttpEdge.create(new HttpEdge.Config("127.0.0.1", 0)
                .withMaxRequestBytes(100)
                .withRequestObserver((ctx, ms) -> observed.incrementAndGet()));
        new HealthEndpoints(health::get, 7).install(app);
        app.post("/echo", ctx -> HttpEdge.json(ctx, 200, Json.mapper().createObjectNode().put("length", ctx.body().length())));
        HttpEdge.answerRefusalsAsJson(app);
        app.start();
    }

    @Test
    void livenessIsUpWithNothingChecked() throws Exception {
        start();
        health.set(Health.check("kafka", false, "Kafka is not reachable"));

        HttpResponse<String> live = get("/health/live");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{}}");
    }

    @Test
    void readinessIsUpWithItsChecksWhenEveryCheckIs() throws Exception {
        start();

        HttpResponse<String> ready = get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("Retry-After")).isEmpty();
        assertThat(ready.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"kafka\":\"UP\"}}");
    }

    @Test
    void notReadyIs503WithRetryAfterTheFailingCheckAndTheReason() throws Exception {
        start();
        health.set(Health.check("kafka_streams", false, "Kafka Streams is REBALANCING").with("streams", "REBALANCING"));

        HttpResponse<String> ready = get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.headers().firstValue("Retry-After")).contains("7");
        JsonNode body = Json.mapper().readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("checks").get("kafka_streams").asText()).isEqualTo("DOWN");
        assertThat(body.get("reason").asText()).isEqualTo("Kafka Streams is REBALANCING");
        assertThat(body.get("streams").asText()).isEqualTo("REBALANCING");
    }

    @Test
    void aReasonOfItsOwnReplacesTheFailingChecks() {
        Health health = Health.check("kafka_streams", false, "Kafka Streams is CREATED").because("waiting for the schema registry");

        assertThat(health.reason()).contains("waiting for the schema registry");
        assertThat(health.isUp()).isFalse();
        assertThatThrownBy(() -> health.with("status", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondCheckIsDownWithItsReasonUnlessTheFirstIsDownAlready() {
        Health registryDown = Health.check("kafka", true, null).and("schema_registry", false, "the registry does not answer");
        Health bothDown = Health.check("kafka", false, "Kafka is not reachable").and("schema_registry", false, "the registry");

        assertThat(registryDown.isUp()).isFalse();
        assertThat(registryDown.checks()).containsEntry("kafka", Health.Status.UP).containsEntry("schema_registry", Health.Status.DOWN);
        assertThat(registryDown.reason()).contains("the registry does not answer");
        assertThat(bothDown.reason()).contains("Kafka is not reachable");
        assertThat(Health.check("kafka", true, null).and("schema_registry", true, null).isUp()).isTrue();
    }

    @Test
    void javalinsOwnRefusalsAnswerWithTheProjectsErrorBody() throws Exception {
        start();

        HttpResponse<String> missing = get("/nothing-here");
        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(uri("/health/live")).DELETE().build());

        assertError(missing, 404, "/nothing-here");
        assertError(wrongMethod, 405, "DELETE /health/live");
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndEveryRequestIsObserved() throws Exception {
        start();

        HttpResponse<String> small = send(HttpRequest.newBuilder(uri("/echo")).POST(HttpRequest.BodyPublishers.ofString("x".repeat(100))).build());
        HttpResponse<String> large = send(HttpRequest.newBuilder(uri("/echo")).POST(HttpRequest.BodyPublishers.ofString("x".repeat(101))).build());

        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(observed.get()).isEqualTo(2);
    }

    @Test
    void whatJettyRefusesBeforeJavalinSeesItAnswersInTheSameJsonShape() throws Exception {
        start();

        // a NUL byte in the path is refused by Jetty's URI compliance, formerly with an HTML page; encoded dot
        // segments are refused by Jetty (above the root) or reach Javalin as an unknown path
        for (String path : new String[]{"/health/live%00", "/a%00b/c", "/echo/%2e%2e/health/live", "/%2e%2e/%2e%2e/etc/passwd"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isBetween(400, 404);
            if (path.contains("%00")) {
                assertThat(response.statusCode()).as(path).isEqualTo(400);
            }
            assertThat(response.headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            JsonNode body = Json.mapper().readTree(response.body());
            assertThat(body.get("status").asInt()).as(path).isEqualTo(response.statusCode());
            assertThat(body.get("error").asText()).as(path).isNotBlank();
        }
    }

    @Test
    void aHeaderFloodIsRefusedWithJsonAndTheServerKeepsServing() throws Exception {
        start();

        String answer = raw("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Flood: " + "a".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 431");
        assertThat(answer).contains("application/json");
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(Json.mapper().readTree(body).get("status").asInt()).isEqualTo(431);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    /** One request written to a socket as is, and everything the server answers until it closes. */
    private String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).contains(message);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }
}
