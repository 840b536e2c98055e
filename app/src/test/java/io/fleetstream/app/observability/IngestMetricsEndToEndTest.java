package io.fleetstream.app.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.local.LocalStack;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.http.MetricsEndpoint;
import io.fleetstream.http.PrometheusScrape;
import io.fleetstream.ingest.poller.ApplicationToken;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.FakeEmnifyApi;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ingest role's {@code /metrics} after real traffic: emnify's example payloads and malformed records posted to the
 * webhook of an ingest on the embedded broker and registry, refused requests among them, then its port scraped over
 * HTTP as Prometheus does. An ingest that only polls, whose port still answers the probes and {@code /metrics}. And
 * {@code local}, whose ingest port serves ingest's registry and whose query port the topology's.
 */
class IngestMetricsEndToEndTest {

    private static final String TOKEN = "metrics-e2e-SECRET-token-58c1";
    private static final String API_TOKEN = "metrics-e2e-app-token-SECRET-0d9e";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dataDir;
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(dataDir, 0);
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal());
    }

    @AfterAll
    static void stopBroker() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theWebhooksScrapeCountsWhatWasPostedAndCarriesJvmAndProducerSeries() throws Exception {
        Topics topics = provision("webhook.");
        IngestService.Settings settings = new IngestService.Settings(kafka.bootstrapServers(), Map.of(), registry.url(), null,
                true, topics, WebhookConfig.defaults().withHost("127.0.0.1").withPort(0).withBearerToken(TOKEN));
        try (IngestService ingest = IngestService.start(settings)) {
            int port = ingest.port();
            List<byte[]> first = new ArrayList<>();
            Examples.names().forEach(name -> first.add(Examples.bytes(name)));
            first.add("{\"id\": 99, \"event_type\": {\"id\": 1, \"description\": \"Update location\"}}".getBytes(UTF_8));
            first.add("{\"id\": \"not-a-number\", \"timestamp\": \"2021-10-27T08:38:02.000Z\"}".getBytes(UTF_8));
            ObjectNode fresh = (ObjectNode) Examples.json("008-5-delete-pdp-docs.json").deepCopy();
            fresh.put("id", 777000111L);
            List<byte[]> second = List.of(Examples.bytes("006-3-create-pdp-accepted-docs.json"), Json.mapper().writeValueAsBytes(fresh),
                    "{\"id\": 98, \"event_type\": {\"id\": 5}}".getBytes(UTF_8), Examples.bytes("015-52-data-quota-enabled-docs.json"));
            int goodEvents = Examples.names().size() + 3;
            int badRecords = 3;

            assertAnswer(send(post(port, array(first)).header("Authorization", "Bearer " + TOKEN)), 200,
                    Examples.names().size(), 2);
            assertAnswer(send(post(port, array(second)).header("Authorization", "Bearer " + TOKEN)), 200, 3, 1);
            assertThat(send(post(port, array(second))).statusCode()).isEqualTo(401);
            assertThat(send(post(port, array(second)).header("Authorization", "Bearer " + TOKEN)
                    .setHeader("Content-Type", "application/xml")).statusCode()).isEqualTo(415);
            System.gc(); // the GC meters register a pause at the first collection they are told of

            await().atMost(PATIENCE).until(() -> scrape(port).names().contains("jvm_gc_pause_seconds_count"));
            HttpResponse<String> answer = send(request(port, MetricsEndpoint.PATH).GET());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
            PrometheusScrape scrape = PrometheusScrape.parse(answer.body());

            assertThat(scrape.value("fleetstream_ingest_webhook_events_accepted_total")).hasValue((double) goodEvents);
            assertThat(scrape.value("fleetstream_ingest_webhook_events_dead_lettered_total")).hasValue((double) badRecords);
            String requests = "fleetstream_ingest_webhook_requests_total";
            assertThat(scrape.value(requests, "outcome", "accepted", "status", "200")).hasValue(2.0);
            assertThat(scrape.value(requests, "outcome", "unauthorized", "status", "401")).hasValue(1.0);
            assertThat(scrape.value(requests, "outcome", "unsupported_media_type", "status", "415")).hasValue(1.0);
            assertThat(scrape.samples(requests).stream().mapToDouble(PrometheusScrape.Sample::value).sum()).isEqualTo(4.0);
            assertThat(scrape.value("fleetstream_ingest_webhook_request_seconds_count")).hasValue(4.0);
            assertThat(scrape.value("fleetstream_ingest_webhook_request_seconds_bucket", "le", "+Inf")).hasValue(4.0);
            assertThat(scrape.value("fleetstream_ingest_webhook_ack_latency_seconds_count")).hasValue(2.0);
            assertThat(scrape.value("fleetstream_ingest_webhook_batch_size_events_count")).hasValue(2.0);
            assertThat(scrape.value("fleetstream_ingest_webhook_batch_size_events_sum")).hasValue((double) goodEvents + badRecords);
            assertThat(scrape.samples("fleetstream_ingest_produce_errors_total")).isEmpty();

            assertThat(scrape.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_pause_seconds_count",
                    "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files",
                    "system_cpu_count");
            assertThat(scrape.samples("jvm_memory_used_bytes")).allSatisfy(sample ->
                    assertThat(sample.labels().keySet()).containsExactlyInAnyOrder("area", "id"));
            assertThat(scrape.value("process_uptime_seconds")).hasValueSatisfying(uptime -> assertThat(uptime).isPositive());
            assertThat(scrape.names()).contains("kafka_producer_request_latency_avg", "kafka_producer_record_error_total");
            // every record the webhook produced: the events, and the dead letters of the bad records
            assertThat(scrape.samples("kafka_producer_record_send_total").stream().mapToDouble(PrometheusScrape.Sample::value).sum())
                    .isGreaterThanOrEqualTo(goodEvents + badRecords);
            assertThat(scrape.mixedLabelKeys()).as("one tag set per name").isEmpty();
            assertThat(scrape.samples()).as("each role has its own registry: no role tag")
                    .noneMatch(sample -> sample.labels().containsKey("role"));
            assertThat(answer.body()).doesNotContain(TOKEN).doesNotContain("176777623").doesNotContain("not-a-number");
        }
    }

    @Test
    void anIngestThatOnlyPollsAnswersProbesAndMetricsOnItsPortAndHasNoWebhook() throws Exception {
        Topics topics = provision("polling.");
        try (FakeEmnifyApi api = new FakeEmnifyApi(API_TOKEN)) {
            Instant now = Instant.now();
            api.add(FakeEmnifyApi.spread(50_000, 12, now.minus(Duration.ofMinutes(50)), now.minusSeconds(30)));
            PollerConfig poller = PollerConfig.defaults(new ApplicationToken(API_TOKEN))
                    .withBaseUrl(api.baseUrl())
                    .withPollInterval(Duration.ofMillis(300))
                    .withWindowSize(Duration.ofHours(1))
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                    .withBackfill(new BackfillStart.Ago(Duration.ofHours(1)));
            IngestService.Settings settings = new IngestService.Settings(kafka.bootstrapServers(), Map.of(), registry.url(),
                    null, true, topics, WebhookConfig.defaults().withHost("127.0.0.1").withPort(0)).withPoller(poller, false);
            try (IngestService ingest = IngestService.start(settings)) {
                int port = ingest.port();
                assertThat(ingest.webhookRunning()).isFalse();

                HttpResponse<String> live = send(request(port, "/health/live").GET());
                assertThat(live.statusCode()).isEqualTo(200);
                await().atMost(PATIENCE).until(() -> send(request(port, "/health/ready").GET()).statusCode() == 200);
                JsonNode ready = Json.mapper().readTree(send(request(port, "/health/ready").GET()).body());
                assertThat(ready).isEqualTo(Json.mapper().readTree(
                        "{\"status\": \"UP\", \"checks\": {\"kafka\": \"UP\", \"schema_registry\": \"UP\"}}"));
                assertThat(send(post(port, array(List.of(Examples.bytes("004-1-update-location-docs.json"))))).statusCode())
                        .isEqualTo(404);

                // events are counted as their page is acknowledged, the window's success once all its pages are
                await().atMost(PATIENCE).until(() -> {
                    PrometheusScrape polled = scrape(port);
                    return polled.value("fleetstream_ingest_poller_events_pulled_total").orElse(0.0) == 12.0
                            && !polled.value("fleetstream_ingest_poller_last_success_seconds").orElse(Double.NaN).isNaN();
                });
                HttpResponse<String> answer = send(request(port, MetricsEndpoint.PATH).GET());
                assertThat(answer.statusCode()).isEqualTo(200);
                PrometheusScrape scrape = PrometheusScrape.parse(answer.body());
                assertThat(scrape.value("fleetstream_ingest_poller_active")).hasValue(1.0);
                assertThat(scrape.value("fleetstream_ingest_poller_requests_total", "call", "authenticate", "outcome", "ok"))
                        .hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(1.0));
                assertThat(scrape.value("fleetstream_ingest_poller_last_success_seconds"))
                        .hasValueSatisfying(at -> assertThat(at).isBetween(now.getEpochSecond() - 5.0, now.getEpochSecond() + 60.0));
                assertThat(scrape.names()).contains("jvm_memory_used_bytes", "process_cpu_usage", "kafka_producer_request_latency_avg")
                        .noneMatch(name -> name.startsWith("fleetstream_ingest_webhook_"));
                assertThat(scrape.mixedLabelKeys()).as("one tag set per name").isEmpty();
                assertThat(answer.body()).doesNotContain(API_TOKEN);
                api.issuedJwts().forEach(jwt -> assertThat(answer.body()).doesNotContain(jwt));
            }
        }
    }

    @Test
    void localServesIngestsMetricsOnTheIngestPortAndTheTopologysOnTheQueryPort() throws Exception {
        Topics topics = new Topics("local.");
        LocalStack.Settings settings = new LocalStack.Settings(dataDir.resolve("local"), LocalStack.Ports.any(), topics, 1,
                TopologyConfig.defaults(topics), "at_least_once", Duration.ofMillis(100),
                WebhookConfig.defaults().withHost("127.0.0.1"));
        try (LocalStack stack = LocalStack.startOn(kafka.bootstrapServers(), settings, null)) {
            assertAnswer(send(post(stack.ingestPort(), array(List.of(Examples.bytes("004-1-update-location-docs.json"),
                    Examples.bytes("006-3-create-pdp-accepted-docs.json"))))), 200, 2, 0);

            PrometheusScrape ingest = scrape(stack.ingestPort());
            assertThat(ingest.value("fleetstream_ingest_webhook_events_accepted_total")).hasValue(2.0);
            assertThat(ingest.value("fleetstream_ingest_webhook_requests_total", "outcome", "accepted", "status", "200"))
                    .hasValue(1.0);
            assertThat(ingest.names()).contains("jvm_memory_used_bytes", "kafka_producer_record_send_total")
                    .noneMatch(name -> name.startsWith("fleetstream_topology_") || name.startsWith("kafka_stream_"));
            assertThat(ingest.mixedLabelKeys()).as("one tag set per name").isEmpty();
            assertThat(stack.ingestMeters().find("fleetstream.ingest.webhook.events.accepted").counter().count()).isEqualTo(2.0);

            HttpResponse<String> query = send(request(stack.queryPort(), MetricsEndpoint.PATH).GET());
            assertThat(query.statusCode()).isEqualTo(200);
            assertThat(PrometheusScrape.parse(query.body()).names()).isNotEmpty()
                    .contains("fleetstream_topology_dead_letters_total")
                    .noneMatch(name -> name.startsWith("fleetstream_ingest_"));
        }
    }

    private static Topics provision(String prefix) {
        Topics topics = new Topics(prefix);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), 2, (short) 1);
        }
        return topics;
    }

    private static PrometheusScrape scrape(int port) throws IOException, InterruptedException {
        return PrometheusScrape.parse(send(request(port, MetricsEndpoint.PATH).GET()).body());
    }

    private static void assertAnswer(HttpResponse<String> response, int status, int accepted, int deadLettered) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Json.mapper().readTree(response.body())).isEqualTo(Json.mapper().readTree(
                "{\"accepted\": " + accepted + ", \"dead_lettered\": " + deadLettered + "}"));
    }

    private static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpRequest.Builder post(int port, byte[] body) {
        return request(port, "/v1/events").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] array(List<byte[]> elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("[".getBytes(UTF_8));
        for (int i = 0; i < elements.size(); i++) {
            out.writeBytes((i == 0 ? "" : ",\n").getBytes(UTF_8));
            out.writeBytes(elements.get(i));
        }
        out.writeBytes("]".getBytes(UTF_8));
        return out.toByteArray();
    }
}
