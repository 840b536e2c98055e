package io.fleetstream.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.http.MetricsEndpoint;
import io.fleetstream.http.PrometheusScrape;
import io.fleetstream.ingest.publish.AvroBinarySerializer;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.ingest.publish.ProduceErrors;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.emnify.UsageExamples;
import io.fleetstream.schemas.json.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /v1/usage} over real HTTP, against Kafka's MockProducer so the test decides when records are acknowledged. */
class UsageWebhookTest {

    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final String TOKEN = "tok-USAGE-SECRET-81x";

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
    void answers200OnlyAfterKafkaAcknowledgedEveryUsageRecord() throws Exception {
        start(false, Duration.ofSeconds(10));
        byte[] body = ("[" + UsageExamples.text(UsageExamples.DATA) + "," + UsageExamples.dataWithId(333333333333334L) + "]")
                .getBytes(UTF_8);

        CompletableFuture<HttpResponse<String>> response = http.sendAsync(post(WebhookServer.USAGE_PATH, body).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> producer.history().size() == 2);
        producer.completeNext();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !response.isDone());
        producer.completeNext();
        HttpResponse<String> answered = response.get();

        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(json(answered.body())).isEqualTo(json("{\"accepted\": 2, \"dead_lettered\": 0}"));
        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsOnly(TOPICS.usageRaw());
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("123456789", "123456789");
        assertThat(sent).extracting(ProducerRecord::timestamp).containsOnly(NOW.toEpochMilli());
        UsageRecord first = AvroBinarySerializer.decode(sent.get(0).value(), UsageRecord.class);
        assertThat(first.getId()).isEqualTo(333333333333333L);
        assertThat(first.getCost()).isEqualTo(new BigDecimal("0.0018851200"));
        assertThat(first.getSource()).isEqualTo("STREAMER");
        assertThat(first.getReceivedAt()).isEqualTo(NOW);
        assertThat(ByteBuffer.wrap(sent.get(0).headers().lastHeader(EventPublisher.EVENT_TIME_HEADER).value()).getLong())
                .as("the event time of a usage record is its end").isEqualTo(Instant.parse("2024-02-15T14:56:15.260Z").toEpochMilli());
    }

    @Test
    void aRecordThatCannotBeNormalisedIsDeadLetteredWithItsExactBytesAndTheReason() throws Exception {
        start(true, Duration.ofSeconds(10));
        String bad = "{ \"id\": 42, \"traffic_type\": {\"id\": 5},\n \"end_timestamp\": \"2024-02-15T14:56:15Z\", \"cost\": \"0.000000000001\" }";
        byte[] body = ("[" + UsageExamples.text(UsageExamples.DATA) + ",\n " + bad + "]").getBytes(UTF_8);

        HttpResponse<String> response = send(post(WebhookServer.USAGE_PATH, body));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("{\"accepted\": 1, \"dead_lettered\": 1}"));
        DeadLetter deadLetter = onlyDeadLetter();
        assertThat(deadLetter.getStage()).isEqualTo(WebhookServer.STAGE);
        assertThat(deadLetter.getSource()).isEqualTo("STREAMER");
        assertThat(deadLetter.getReason()).contains("cost", "more than 10 decimal places");
        assertThat(new String(bytes(deadLetter.getOriginal()), UTF_8)).isEqualTo(bad);
    }

    @Test
    void anEventPostedToTheUsagePathIsDeadLetteredNamingTheEventsPath() throws Exception {
        start(true, Duration.ofSeconds(10));
        byte[] event = Examples.bytes("008-5-delete-pdp-docs.json");
        byte[] body = ("[" + UsageExamples.text(UsageExamples.DATA) + "," + new String(event, UTF_8) + "]").getBytes(UTF_8);

        HttpResponse<String> response = send(post(WebhookServer.USAGE_PATH, body));

        assertThat(json(response.body())).isEqualTo(json("{\"accepted\": 1, \"dead_lettered\": 1}"));
        DeadLetter deadLetter = onlyDeadLetter();
        assertThat(deadLetter.getReason()).contains("an event", "event_type", "/v1/usage", "post events to /v1/events");
        // the element exactly as it was in the body (the file's trailing newline is outside the array's element)
        assertThat(new String(bytes(deadLetter.getOriginal()), UTF_8)).isEqualTo(new String(event, UTF_8).strip());
        assertThat(producer.history()).filteredOn(r -> r.topic().equals(TOPICS.raw())).isEmpty();
    }

    @Test
    void aUsageRecordPostedToTheEventsPathIsDeadLetteredNamingTheUsagePath() throws Exception {
        start(true, Duration.ofSeconds(10));
        byte[] usage = UsageExamples.bytes(UsageExamples.DATA);
        byte[] body = ("[" + new String(usage, UTF_8) + "," + new String(Examples.bytes("008-5-delete-pdp-docs.json"), UTF_8) + "]")
                .getBytes(UTF_8);

        HttpResponse<String> response = send(post(WebhookServer.EVENTS_PATH, body));

        assertThat(json(response.body())).isEqualTo(json("{\"accepted\": 1, \"dead_lettered\": 1}"));
        DeadLetter deadLetter = onlyDeadLetter();
        assertThat(deadLetter.getReason()).contains("a usage record", "traffic_type", "/v1/events", "post usage records to /v1/usage");
        assertThat(new String(bytes(deadLetter.getOriginal()), UTF_8)).isEqualTo(new String(usage, UTF_8).strip());
        List<ProducerRecord<String, byte[]>> events = producer.history().stream()
                .filter(r -> r.topic().equals(TOPICS.raw())).toList();
        assertThat(events).hasSize(1);
        assertThat(AvroBinarySerializer.decode(events.get(0).value(), EmnifyEvent.class).getEventType().getId()).isEqualTo(5);
        assertThat(producer.history()).filteredOn(r -> r.topic().equals(TOPICS.usageRaw())).isEmpty();
    }

    @Test
    void theUsagePathAsksForTheSameCredentialAndRefusesWhatIsNotABatch() throws Exception {
        start(true, Duration.ofSeconds(10));
        byte[] body = UsageExamples.bytes(UsageExamples.DATA);

        HttpResponse<String> anonymous = send(request(WebhookServer.USAGE_PATH).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        HttpResponse<String> wrong = send(request(WebhookServer.USAGE_PATH).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + TOKEN + "x"));
        HttpResponse<String> notJson = send(post(WebhookServer.USAGE_PATH, "[{\"id\": 1,".getBytes(UTF_8)));
        HttpResponse<String> single = send(post(WebhookServer.USAGE_PATH, body));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson.body()).get("error").asText()).startsWith("body is not JSON");
        assertThat(single.statusCode()).as("a stream of batch size 1 sends one object").isEqualTo(200);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void whenKafkaDoesNotAcknowledgeTheAnswerIs503AndNothingCountsAsAccepted() throws Exception {
        start(false, Duration.ofMillis(300));

        HttpResponse<String> response = send(post(WebhookServer.USAGE_PATH, UsageExamples.bytes(UsageExamples.DATA)));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        PrometheusScrape scrape = PrometheusScrape.parse(meters.scrape());
        assertThat(scrape.value("fleetstream_ingest_webhook_usage_records_accepted_total")).hasValue(0.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_requests_total", "outcome", "kafka_unavailable", "status", "503"))
                .hasValue(1.0);
    }

    @Test
    void usageRecordsAreCountedApartFromEventsUnderTheNamesPrometheusScrapes() throws Exception {
        start(true, Duration.ofSeconds(10));
        byte[] usage = ("[" + UsageExamples.text(UsageExamples.DATA) + "," + UsageExamples.dataWithId(7)
                + ", {\"id\": \"x\", \"traffic_type\": 5, \"end_timestamp\": \"2024-02-15T14:56:15Z\"}]").getBytes(UTF_8);
        send(post(WebhookServer.USAGE_PATH, usage));
        send(post(WebhookServer.EVENTS_PATH, Examples.bytes("008-5-delete-pdp-docs.json")));

        HttpResponse<String> scraped = send(request("/metrics").GET());
        PrometheusScrape scrape = PrometheusScrape.parse(scraped.body());

        assertThat(scrape.value("fleetstream_ingest_webhook_usage_records_accepted_total")).hasValue(2.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_usage_records_dead_lettered_total")).hasValue(1.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_events_accepted_total")).hasValue(1.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_events_dead_lettered_total")).hasValue(0.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_requests_total", "outcome", "accepted", "status", "200")).hasValue(2.0);
        assertThat(scrape.value("fleetstream_ingest_webhook_batch_size_events_count")).as("events per request only").hasValue(1.0);
    }

    // ---- helpers

    private void start(boolean autoComplete, Duration ackTimeout) {
        Node broker = new Node(1, "localhost", 9092);
        Cluster cluster = new Cluster("test", List.of(broker), List.of(
                new PartitionInfo(TOPICS.raw(), 0, broker, new Node[]{broker}, new Node[]{broker}),
                new PartitionInfo(TOPICS.usageRaw(), 0, broker, new Node[]{broker}, new Node[]{broker})), Set.of(), Set.of());
        producer = new MockProducer<>(cluster, autoComplete, null, new StringSerializer(), new ByteArraySerializer());
        WebhookConfig config = WebhookConfig.defaults().withHost("127.0.0.1").withPort(0).withAckTimeout(ackTimeout)
                .withBearerToken(TOKEN);
        EventPublisher publisher = new EventPublisher(producer, new AvroBinarySerializer<>(), new AvroBinarySerializer<>(),
                new AvroBinarySerializer<>(), TOPICS, ackTimeout, () -> { }, new ProduceErrors(meters));
        server = new WebhookServer(config, new EmnifyEventReader(), publisher, meters, new MetricsEndpoint(meters),
                Clock.fixed(NOW, ZoneOffset.UTC)).start();
    }

    private DeadLetter onlyDeadLetter() {
        List<ProducerRecord<String, byte[]>> deadLetters = producer.history().stream()
                .filter(record -> record.topic().equals(TOPICS.deadLetters())).toList();
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).key()).isNull();
        return AvroBinarySerializer.decode(deadLetters.get(0).value(), DeadLetter.class);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    }

    private HttpRequest.Builder post(String path, byte[] body) {
        return request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
