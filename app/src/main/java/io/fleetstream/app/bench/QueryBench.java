package io.fleetstream.app.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.local.LocalStack;
import io.fleetstream.app.simulate.SimulatedDevice;
import io.fleetstream.app.simulate.TrafficGenerator;
import io.fleetstream.app.simulate.TrafficProfile;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * The query API against its ceiling on the same server in the same run: a fleet's state built through the whole
 * pipeline (webhook, topology) on one instance, then concurrent clients looking devices up at random
 * ({@code GET /v1/devices/{id}}) and asking the fleet summary, beside the same clients on the health endpoint, which
 * goes through the same HTTP stack and touches no store.
 */
final class QueryBench {

    /** How many devices, how many clients, how long each measurement runs. */
    record Sizes(int devices, int clients, Duration duration) {
    }

    private QueryBench() {
    }

    static void run(BenchReport report, Sizes sizes, Path workDir, String bootstrapServers) throws Exception {
        report.section(String.format("query API (%,d devices, %d clients, %d s a measurement, one instance)",
                sizes.devices(), sizes.clients(), sizes.duration().toSeconds()));
        // one poster, in order: no lateness to wait out before device state shows
        try (BenchKafka kafka = BenchKafka.start(bootstrapServers, workDir.resolve("query"));
             LocalStack stack = kafka.stack(new LocalStack.Settings(workDir.resolve("query"), LocalStack.Ports.any(),
                kafka.topics(), 2, TopologyConfig.defaults(kafka.topics()).withDeviceTimers(DeviceTimers.defaults()
                .withLateness(Duration.ZERO)), "at_least_once", Duration.ofMillis(200), WebhookConfig.defaults()), new SimpleMeterRegistry())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long start = System.nanoTime();
            List<Long> known = load(http, stack, sizes.devices());
            report.rate("devices known after loading through the pipeline", known.size(), System.nanoTime() - start);
            String base = "http://127.0.0.1:" + stack.queryPort();

            Clients.Result health = measure(http, sizes, i -> base + "/health/live");
            report.rate("ceiling: GET /health/live", health.items(), health.nanos());
            report.value("  latency p50 / p99", health.latencies().p50p99());
            Clients.Result lookups = measure(http, sizes, i -> base + "/v1/devices/" + known.get(ThreadLocalRandom.current().nextInt(known.size())));
            report.rate("GET /v1/devices/{random id}", lookups.items(), lookups.nanos());
            report.value("  latency p50 / p99", lookups.latencies().p50p99());
            Clients.Result summary = measure(http, sizes, i -> base + "/v1/fleet/summary");
            report.rate("GET /v1/fleet/summary", summary.items(), summary.nanos());
            report.value("  latency p50 / p99", summary.latencies().p50p99());
            double ratio = lookups.rate() / health.rate();
            report.value("device lookups / ceiling", String.format("%.3f", ratio));

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("devices", known.size());
            figures.put("clients", sizes.clients());
            figures.put("ceiling_requests_per_s", Math.round(health.rate()));
            figures.put("lookups_per_s", Math.round(lookups.rate()));
            figures.put("lookup_latency_ms_p50", lookups.latencies().millis(50));
            figures.put("lookup_latency_ms_p99", lookups.latencies().millis(99));
            figures.put("summary_per_s", Math.round(summary.rate()));
            figures.put("summary_latency_ms_p99", summary.latencies().millis(99));
            figures.put("ratio", Math.round(ratio * 1000) / 1000.0);
            report.json("query", figures);
        }
    }

    /** Posts a session for every device through the webhook and returns the ids the query API then knows. */
    private static List<Long> load(HttpClient http, LocalStack stack, int devices) throws Exception {
        Instant start = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(devices, 11, start));
        URI webhook = URI.create("http://127.0.0.1:" + stack.ingestPort() + "/v1/events");
        ArrayNode batch = Json.mapper().createArrayNode();
        for (Instant t = generator.position(); t.isBefore(start.plus(Duration.ofMinutes(30))); t = t.plus(Duration.ofMinutes(1))) {
            for (ObjectNode event : generator.advanceTo(t)) {
                batch.add(event);
                if (batch.size() == 1_000) {
                    post(http, webhook, batch);
                    batch = Json.mapper().createArrayNode();
                }
            }
        }
        if (!batch.isEmpty()) {
            post(http, webhook, batch);
        }
        // the topology follows the raw topic: wait until the fleet summary stops growing
        String summary = "http://127.0.0.1:" + stack.queryPort() + "/v1/fleet/summary";
        long before = -1;
        for (int i = 0; i < 120; i++) {
            Thread.sleep(1_000);
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(summary)).build(), HttpResponse.BodyHandlers.ofString());
            long now = answer.statusCode() == 200 ? Json.mapper().readTree(answer.body()).path("devices").path("total").asLong(-1) : -1;
            if (now > 0 && now == before) {
                break;
            }
            before = now;
        }
        List<Long> known = new ArrayList<>();
        String device = "http://127.0.0.1:" + stack.queryPort() + "/v1/devices/";
        for (SimulatedDevice d : generator.devices()) {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(device + d.endpointId())).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (answer.statusCode() == 200) {
                known.add(d.endpointId());
            }
        }
        if (known.isEmpty()) {
            throw new IllegalStateException("no device is known to the query API after loading " + devices + " devices");
        }
        return known;
    }

    private static void post(HttpClient http, URI webhook, ArrayNode batch) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(batch))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the webhook answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** {@code clients} threads sending GETs back to back for the duration; every answer must be 200. */
    private static Clients.Result measure(HttpClient http, Sizes sizes, IntFunction<String> url) throws Exception {
        return Clients.sendFor(sizes.clients(), sizes.duration(), i -> {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(url.apply(i))).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(url.apply(i) + " answered " + answer.statusCode());
            }
            return 1;
        });
    }
}
