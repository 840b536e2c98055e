package io.fleetstream.ingest.webhook;

import io.fleetstream.http.MetricsEndpoint;
import io.fleetstream.http.PrometheusScrape;
import io.fleetstream.ingest.publish.AvroBinarySerializer;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.ingest.publish.ProduceErrors;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.Examples;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The webhook's meters as Prometheus scrapes them from its own {@code /metrics}: names, tag sets and counts. */
class WebhookMetricsTest {

    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String TOKEN = "tok-METRICS-SECRET-4f1";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private MockProducer<String, byte[]> producer;
    private WebhookServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        meters.close();
    }

    @Test
    void everyRequestIsCountedOnceWithItsOutcomeAndStatusAndTimed() throws Exception {
        start(true);
        String bad = "{\"id\": \"not-a-number\", \"timestamp\": \"2021-10-27T08:38:02.000Z\"}";
        byte[] batch = ("[" + new String(Examples.bytes("004-1-update-location-docs.json"), UTF_8) + ","
                + new String(Examples.bytes("008-5-delete-pdp-docs.json"), UTF_8) + "," + bad + "]").getBytes(UTF_8);

        assertThat(send(post(batch).header("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(200);
        assertThat(send(post(batch).header("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(200);
        assertThat(send(post(batch)).statusCode()).isEqualTo(401);
        assertThat(send(post(batch).header("Authorization", "Bearer " + TOKEN).setHeader("Content-Type", "application/xml"))
                .statusCode()).isEqualTo(415);
        assertThat(send(post("[{".getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(400);
        assertThat(send(request(WebhookServer.EVENTS_PATH).GET()).statusCode()).isEqualTo(405);
        // not requests to the webhook: neither counted nor timed
        assertThat(send(request("/health/live").GET()).statusCode()).isEqualTo(200);
        assertThat(send(request("/nowhere").GET()).statusCode()).isEqualTo(404);

        HttpResponse<String> scraped = send(request(MetricsEndpoint.PATH).GET());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
        PrometheusScrape scrape = PrometheusScrape.parse(scraped.body());

        String requests = "fleetstream_ingest_webhook_requests_total";
        assertThat(scrape.value(requests, "outcome", "accepted", "status", "200")).hasValue(2.0);
        assertThat(scrape.value(requests, "outcome", "unauthorized", "status", "401")).hasValue(1.0);
        assertThat(scrape.value(requests, "outcome", "unsupported_media_type", "status", "415")).hasValue(1.0);
        assertThat(scrape.value(requests, "outcome", "bad_request", "status", "400")).hasValue(1.0);
        assertThat(scrape.value(requests, "outcome", "bad_request", "status", "405")).hasValue(1.0);
        assertThat(scrape.value(requests, "outcome", "kafka_unavailable", "status", "503")).hasValue(0.0);
        assertThat(scrape.samples(requests)).allSatisfy(sample ->
                assertThat(sample.labels().keySet()).containsExactlyInAnyOrder("outcome", "status"));
        assertThat(scrape.samples(requests).stream().mapToDouble(PrometheusScrape.Sample::value).sum()).isEqualTo(6.0);

        assertThat(scrape.value("fleetstream_ingest_webhook_events_accepted_total")).hasValue(4.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_events_dead_lettered_total")).hasValue(2.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_request_seconds_count")).hasValue(6.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_request_seconds_bucket", "le", "+Inf")).hasValue(6.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_ack_latency_seconds_count")).hasValue(2.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_batch_size_events_count")).hasValue(2.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_batch_size_events_sum")).hasValue(6.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_batch_size_events_bucket", "le", "+Inf")).hasValue(2.0);
        assertThat(scrape.names()).noneMatch(name -> name.contains("events_accepted_events") || name.contains("dead_lettered_events"));
        assertThat(scrape.mixedLabelKeys()).isEmpty();
        assertThat(scraped.body()).doesNotContain(TOKEN).doesNotContain("176777623");
    }

    @Test
    void aRecordKafkaRefusesCountsAsAProduceErrorByClassAndTheRequestAsKafkaUnavailable() throws Exception {
        start(false);
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(
                post(Examples.bytes("004-1-update-location-docs.json")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> producer.history().size() == 1);
        producer.errorNext(new NotEnoughReplicasException("2 of 3 replicas in sync"));
        assertThat(response.get().statusCode()).isEqualTo(503);

        PrometheusScrape scrape = PrometheusScrape.parse(send(request(MetricsEndpoint.PATH).GET()).body());

        assertThat(scrape.value("fleetstream_ingest_produce_errors_total", "error", "NotEnoughReplicasException")).hasValue(1.0);
        assertThat(scrape.samples("fleetstream_ingest_produce_errors_total")).singleElement()
                .satisfies(sample -> assertThat(sample.labels().keySet()).isEqualTo(Set.of("error")));
        assertThat(scrape.value("fleetstream_ingest_webhook_requests_total", "outcome", "kafka_unavailable", "status", "503"))
                .hasValue(1.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_requests_total", "outcome", "accepted", "status", "200"))
                .hasValue(0.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_events_accepted_total")).hasValue(0.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_ack_latency_seconds_count")).hasValue(0.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_request_seconds_count")).hasValue(1.0);
    }

    private void start(boolean autoComplete) {
        Node broker = new Node(1, "localhost", 9092);
        Cluster cluster = new Cluster("test", List.of(broker),
                List.of(new PartitionInfo(TOPICS.raw(), 0, broker, new Node[]{broker}, new Node[]{broker})), Set.of(), Set.of());
        producer = new MockProducer<>(cluster, autoComplete, null, new StringSerializer(), new ByteArraySerializer());
        WebhookConfig config = WebhookConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withAckTimeout(Duration.ofSeconds(10)).withBearerToken(TOKEN);
        EventPublisher publisher = new EventPublisher(producer, new AvroBinarySerializer<>(), new AvroBinarySerializer<>(),
                TOPICS, config.ackTimeout(), () -> { }, new ProduceErrors(meters));
        server = new WebhookServer(config, new EmnifyEventReader(), publisher, meters, new MetricsEndpoint(meters),
                Clock.systemUTC()).start();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    }

    private HttpRequest.Builder post(byte[] body) {
        return request(WebhookServer.EVENTS_PATH).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
