package io.fleetstream.ingest.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.http.Health;
import io.fleetstream.http.MetricsEndpoint;
import io.fleetstream.http.PrometheusScrape;
import io.fleetstream.schemas.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The port of an ingest without the webhook: probes that tell the truth, /metrics, and nothing else. */
class ProbeServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Health> health = new AtomicReference<>(
            Health.check("kafka", false, "Kafka is not reachable").and("schema_registry", true, null));
    private final ProbeServer server = new ProbeServer("127.0.0.1", 0, health::get, 7, new MetricsEndpoint(meters)).start();

    @AfterEach
    void stop() {
        server.close();
        meters.close();
    }

    @Test
    void readinessFollowsTheRolesHealthInTheSameShapeAsEveryRole() throws Exception {
        HttpResponse<String> down = get("/health/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(json(down.body())).isEqualTo(json(
                "{\"status\": \"DOWN\", \"checks\": {\"kafka\": \"DOWN\", \"schema_registry\": \"UP\"}, \"reason\": \"Kafka is not reachable\"}"));
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        health.set(Health.check("kafka", true, null).and("schema_registry", true, null));
        HttpResponse<String> up = get("/health/ready");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(json(up.body())).isEqualTo(json("{\"status\": \"UP\", \"checks\": {\"kafka\": \"UP\", \"schema_registry\": \"UP\"}}"));
    }

    @Test
    void servesTheRegistryOnMetricsAndHasNoWebhook() throws Exception {
        Counter.builder("fleetstream.ingest.poller.events.pulled").register(meters).increment(3);

        HttpResponse<String> metrics = get(MetricsEndpoint.PATH);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
        assertThat(PrometheusScrape.parse(metrics.body()).value("fleetstream_ingest_poller_events_pulled_total")).hasValue(3.0);

        HttpResponse<String> webhook = http.send(request("/v1/events").POST(HttpRequest.BodyPublishers.ofString("[]"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(webhook.statusCode()).isEqualTo(404);
        assertThat(json(webhook.body()).get("status").asInt()).isEqualTo(404);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String text) throws IOException {
        return Json.mapper().readTree(text);
    }
}
