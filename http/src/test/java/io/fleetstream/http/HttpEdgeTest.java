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
