package io.fleetstream.ingest.webhook;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.publish.AvroBinarySerializer;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The webhook over real HTTP, against Kafka's MockProducer so the test decides when records are acknowledged. */
class WebhookServerTest {

    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final String TOKEN = "tok-7Hq2-SECRET-streamer";
    private static final BasicCredential BASIC = new BasicCredential("emnify-streamer", "pw-SECRET-9k2");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MockProducer<String, byte[]> producer;
    private WebhookServer server;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    // ---- acknowledgement

    @Test
    void answers200OnlyAfterKafkaAcknowledgedEveryRecord() throws Exception {
        start(false, bearerConfig());
        byte[] body = array(Examples.bytes("004-1-update-location-docs.json"), Examples.bytes("015-52-data-quota-enabled-docs.json"));

        CompletableFuture<HttpResponse<String>> response = http.sendAsync(post(body).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> producer.history().size() == 2);
        producer.completeNext();

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !response.isDone());
        producer.completeNext();
        HttpResponse<String> answered = response.get();

        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(json(answered.body())).isEqualTo(json("{\"accepted\": 2, \"dead_lettered\": 0}"));
        assertThat(answered.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsOnly(TOPICS.raw());
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("733023", "org-9684");
        EmnifyEvent first = AvroBinarySerializer.decode(sent.get(0).value(), EmnifyEvent.class);
        assertThat(first.getId()).isEqualTo(176777623L);
        assertThat(first.getIngest().getSource()).isEqualTo(IngestSource.STREAMER);
        assertThat(first.getIngest().getReceivedAt()).isEqualTo(NOW);
    }

    @Test
    void aSingleEventObjectIsAcceptedByPostPutAndPatch() throws Exception {
        start(true, bearerConfig());
        byte[] body = Examples.bytes("029-56-data-quota-assigned-string-detail-1nce.json");

        for (String method : List.of("POST", "PUT", "PATCH")) {
            HttpResponse<String> response = send(request().method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Authorization", "Bearer " + TOKEN));

            assertThat(response.statusCode()).as(method).isEqualTo(200);
            assertThat(json(response.body())).isEqualTo(json("{\"accepted\": 1, \"dead_lettered\": 0}"));
        }
        assertThat(producer.history()).hasSize(3);
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithItsExactBytesAndTheRestAccepted() throws Exception {
        start(true, bearerConfig());
        String bad = "{ \"id\": \"not-a-number\",\n  \"timestamp\": \"2021-10-27T08:38:02.000Z\", \"note\": \"Zürich ✓\" }";
        byte[] body = ("[" + new String(Examples.bytes("008-5-delete-pdp-docs.json"), UTF_8) + ",\n  " + bad + " ]").getBytes(UTF_8);

        HttpResponse<String> response = send(post(body).header("Authorization", "Bearer " + TOKEN));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("{\"accepted\": 1, \"dead_lettered\": 1}"));
        List<ProducerRecord<String, byte[]>> deadLetters = producer.history().stream()
                .filter(record -> record.topic().equals(TOPICS.deadLetters())).toList();
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).key()).isNull();
        DeadLetter deadLetter = AvroBinarySerializer.decode(deadLetters.get(0).value(), DeadLetter.class);
        assertThat(deadLetter.getStage()).isEqualTo("ingest.webhook");
        assertThat(deadLetter.getReason()).isEqualTo("id 'not-a-number' is not an event id (expected a whole number such as 176777623)");
        assertThat(new String(bytes(deadLetter.getOriginal()), UTF_8)).isEqualTo(bad);
        assertThat(deadLetter.getSource()).isEqualTo("STREAMER");
        assertThat(deadLetter.getAt()).isEqualTo(NOW);
        assertThat(meters.counter(WebhookMetrics.EVENTS_DEAD_LETTERED).count()).isEqualTo(1.0);
    }

    @Test
    void aFailedSendIsAnswered503WithRetryAfterAndNothingAcknowledged() throws Exception {
        start(false, bearerConfig());
        byte[] body = array(Examples.bytes("004-1-update-location-docs.json"), Examples.bytes("006-3-create-pdp-accepted-docs.json"));

        CompletableFuture<HttpResponse<String>> response = http.sendAsync(post(body).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> producer.history().size() == 2);
        producer.completeNext();
        producer.errorNext(new NotEnoughReplicasException("Messages are rejected since there are fewer in-sync replicas than required."));
        HttpResponse<String> answered = response.get();

        assertThat(answered.statusCode()).isEqualTo(503);
        assertThat(answered.headers().firstValue("Retry-After")).hasValue("10");
        JsonNode error = json(answered.body());
        assertThat(error.get("status").asInt()).isEqualTo(503);
        assertThat(error.get("error").asText()).contains("NotEnoughReplicasException", "nothing was accepted", "retry after 10 s");
        assertThat(meters.counter(WebhookMetrics.REQUESTS, "outcome", "kafka_unavailable", "status", "503").count()).isEqualTo(1.0);
        assertThat(meters.counter(WebhookMetrics.EVENTS_ACCEPTED).count()).isZero();
    }

    @Test
    void aSendNotAcknowledgedInTimeIsAnswered503WithTheConfiguredRetryAfter() throws Exception {
        start(false, bearerConfig().withAckTimeout(Duration.ofMillis(300)).withRetryAfterSeconds(7));

        HttpResponse<String> response = send(post(Examples.bytes("004-1-update-location-docs.json"))
                .header("Authorization", "Bearer " + TOKEN));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(json(response.body()).get("error").asText()).contains("acknowledged 0 of 1 records within 300 ms");
    }

    @Test
    void anUnreachableSchemaRegistryIsAnswered503SayingSoWithoutItsCredentials() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient("http://fleet:pw-REGISTRY-77@127.0.0.1:" + closed), true);
        start(true, bearerConfig(), serdes.forValue(EmnifyEvent.class).serializer());

        HttpResponse<String> response = send(post(Examples.bytes("004-1-update-location-docs.json"))
                .header("Authorization", "Bearer " + TOKEN));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(json(response.body()).get("error").asText())
                .startsWith("the schema registry failed, so nothing was sent to Kafka (could not serialise event 176777623"
                        + " for emnify.events.raw: schema registry unreachable at http://127.0.0.1:" + closed)
                .contains("nothing was accepted: retry after 10 s")
                .doesNotContain("Kafka did not acknowledge", "pw-REGISTRY-77", "fleet:");
        assertThat(meters.counter(WebhookMetrics.REQUESTS, "outcome", "schema_registry_unavailable", "status", "503").count()).isEqualTo(1.0);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aSchemaTheRegistryRefusesIsAnswered500WithoutRetryAfter() throws Exception {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("emnify.events.raw-value", Schema.createRecord("EmnifyEvent", null, "io.fleetstream.avro", false,
                List.of(new Schema.Field("unrelated", Schema.create(Schema.Type.STRING)))));
        start(true, bearerConfig(), new AvroSerdes(registry, true).forValue(EmnifyEvent.class).serializer());

        HttpResponse<String> response = send(post(Examples.bytes("004-1-update-location-docs.json"))
                .header("Authorization", "Bearer " + TOKEN));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(json(response.body()).get("error").asText())
                .startsWith("the schema registry failed, so nothing was sent to Kafka (could not serialise event 176777623"
                        + " for emnify.events.raw: cannot register the EmnifyEvent schema under subject 'emnify.events.raw-value'")
                .contains("incompatible", "retrying will not help until the schema registry or ingest's configuration is fixed");
        assertThat(meters.counter(WebhookMetrics.REQUESTS, "outcome", "schema_registry_refused", "status", "500").count()).isEqualTo(1.0);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void anEventKafkaRefusesAsTooLargeIsDeadLetteredAndTheRestOfTheBatchAccepted() throws Exception {
        start(false, bearerConfig());
        byte[] body = array(Examples.bytes("004-1-update-location-docs.json"), Examples.bytes("006-3-create-pdp-accepted-docs.json"));

        CompletableFuture<HttpResponse<String>> response = http.sendAsync(post(body).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> producer.history().size() == 2);
        producer.errorNext(new RecordTooLargeException("The request included a message larger than the max message size the server will accept."));
        producer.completeNext();
        await().until(() -> producer.history().size() == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !response.isDone());
        producer.completeNext();
        HttpResponse<String> answered = response.get();

        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(json(answered.body())).isEqualTo(json("{\"accepted\": 1, \"dead_lettered\": 1}"));
        DeadLetter deadLetter = AvroBinarySerializer.decode(producer.history().get(2).value(), DeadLetter.class);
        assertThat(deadLetter.getStage()).isEqualTo("ingest.webhook");
        assertThat(deadLetter.getReason()).startsWith("event 176777623 is too large for Kafka");
        assertThat(new String(bytes(deadLetter.getOriginal()), UTF_8)).isEqualTo(new String(Examples.bytes("004-1-update-location-docs.json"), UTF_8).strip());
        assertThat(meters.counter(WebhookMetrics.EVENTS_ACCEPTED).count()).isEqualTo(1.0);
        assertThat(meters.counter(WebhookMetrics.EVENTS_DEAD_LETTERED).count()).isEqualTo(1.0);
    }

    // ---- bodies that are not batches

    @Test
    void aBodyThatIsNotJsonIs400WithWhereItBroke() throws Exception {
        start(true, bearerConfig());

        HttpResponse<String> response = send(post("[{\"id\": 1,\n  x: 2}]".getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body())).isEqualTo(json(
                "{\"error\": \"body is not JSON: unexpected character 'x' at line 2 column 3\", \"status\": 400}"));
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aBodyThatIsAStringEmptyOrFollowedByGarbageIs400() throws Exception {
        start(true, bearerConfig());

        assertError(send(post("\"hello\"".getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN)), 400,
                "body is a JSON string; expected an array of events or one event object");
        assertError(send(post(new byte[0]).header("Authorization", "Bearer " + TOKEN)), 400, "body is empty");
        assertError(send(post("[{\"id\":1}] trailing".getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN)), 400,
                "body has content after the end of the array");
        assertThat(meters.counter(WebhookMetrics.REQUESTS, "outcome", "bad_request", "status", "400").count()).isEqualTo(3.0);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aBodyOverTheByteLimitIs413NamingTheLimit() throws Exception {
        start(true, bearerConfig().withMaxBodyBytes(1000));
        byte[] body = array(Examples.bytes("004-1-update-location-docs.json"), Examples.bytes("005-2-update-gprs-location-docs.json"));

        HttpResponse<String> declared = send(post(body).header("Authorization", "Bearer " + TOKEN));
        HttpResponse<String> chunked = send(request()
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .header("Authorization", "Bearer " + TOKEN));

        assertError(declared, 413, "body is larger than 1000 bytes, the most this receiver accepts");
        assertError(chunked, 413, "body is larger than 1000 bytes, the most this receiver accepts");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void moreEventsThanTheDataStreamerSendsIs413() throws Exception {
        start(true, bearerConfig());
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 10_001; i++) {
            body.append(i == 0 ? "" : ",").append("{}");
        }

        HttpResponse<String> response = send(post(body.append(']').toString().getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN));

        assertError(response, 413, "batch has 10001 events; the Data Streamer sends at most 10000");
        assertThat(meters.counter(WebhookMetrics.REQUESTS, "outcome", "too_large", "status", "413").count()).isEqualTo(1.0);
    }

    @Test
    void theEventLimitIsConfigurable() throws Exception {
        start(true, bearerConfig().withMaxEvents(1));
        byte[] body = array(Examples.bytes("004-1-update-location-docs.json"), Examples.bytes("005-2-update-gprs-location-docs.json"));

        assertError(send(post(body).header("Authorization", "Bearer " + TOKEN)), 413, "batch has 2 events; this receiver accepts at most 1");
    }

    // ---- authentication

    @Test
    void bearerTokenIsRequiredAndChecked() throws Exception {
        start(true, bearerConfig());
        byte[] body = Examples.bytes("004-1-update-location-docs.json");

        HttpResponse<String> ok = send(post(body).header("Authorization", "Bearer " + TOKEN));
        HttpResponse<String> wrong = send(post(body).header("Authorization", "Bearer " + TOKEN + "-guess"));
        HttpResponse<String> missing = send(post(body));

        assertThat(ok.statusCode()).isEqualTo(200);
        assertError(wrong, 401, "the Authorization header does not match the credential this receiver is configured with");
        assertError(missing, 401, "missing Authorization header");
        assertThat(wrong.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"fleetstream ingest\"");
        assertThat(missing.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"fleetstream ingest\"");
        assertThat(producer.history()).hasSize(1);
        assertThat(meters.counter(WebhookMetrics.REQUESTS, "outcome", "unauthorized", "status", "401").count()).isEqualTo(2.0);
    }

    @Test
    void basicCredentialIsChecked() throws Exception {
        start(true, config().withBasicCredential(BASIC));
        byte[] body = Examples.bytes("004-1-update-location-docs.json");

        HttpResponse<String> ok = send(post(body).header("Authorization", basic(BASIC.username() + ":" + BASIC.password())));
        HttpResponse<String> wrong = send(post(body).header("Authorization", basic(BASIC.username() + ":nope")));

        assertThat(ok.statusCode()).isEqualTo(200);
        assertError(wrong, 401, "does not match");
        assertThat(wrong.headers().allValues("WWW-Authenticate")).containsExactly("Basic realm=\"fleetstream ingest\", charset=\"UTF-8\"");
    }

    @Test
    void withoutCredentialALoopbackClientIsServed() throws Exception {
        start(true, config());

        HttpResponse<String> response = send(post(Examples.bytes("004-1-update-location-docs.json")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(producer.history()).hasSize(1);
    }

    // ---- health

    @Test
    void livenessAlwaysAnswersAndReadinessFollowsTheCluster() throws Exception {
        start(true, config());

        assertThat(send(request("/health/live").GET()).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = send(request("/health/ready").GET());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready.body()).get("status").asText()).isEqualTo("UP");
        assertThat(json(ready.body()).get("checks").get("kafka").asText()).isEqualTo("UP");
    }

    @Test
    void notReadyWhenTheProducerCannotReachTheCluster() throws Exception {
        start(true, config());
        producer.partitionsForException = new KafkaException("Timeout expired while fetching topic metadata");

        HttpResponse<String> ready = send(request("/health/ready").GET());

        // the health contract every role shares: DOWN, the failing check, the reason, and when to ask again
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.headers().firstValue("Retry-After")).contains("10");
        JsonNode body = json(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("checks").get("kafka").asText()).isEqualTo("DOWN");
        assertThat(body.get("reason").asText()).contains("Kafka is not reachable");
        assertThat(send(request("/health/live").GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void notReadyWhileItKnowsNoSchemaIdsAndTheRegistryDoesNotAnswer() throws Exception {
        AtomicBoolean registryAnswers = new AtomicBoolean(false);
        start(true, config(), new AvroBinarySerializer<>(), () -> {
            if (!registryAnswers.get()) {
                throw new SchemaRegistryException(0, 0, "schema registry unreachable at http://registry:8081", null);
            }
        });

        HttpResponse<String> ready = send(request("/health/ready").GET());

        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = json(ready.body());
        assertThat(body.get("checks").get("kafka").asText()).isEqualTo("UP");
        assertThat(body.get("checks").get("schema_registry").asText()).isEqualTo("DOWN");
        assertThat(body.get("reason").asText()).contains("the schema registry does not answer");
        registryAnswers.set(true);
        assertThat(send(request("/health/ready").GET()).statusCode()).isEqualTo(200);
    }

    // ---- metrics and logs

    @Test
    void metricsCountRequestsEventsLatencyAndBatchSize() throws Exception {
        start(true, bearerConfig());
        byte[] body = ("[" + new String(Examples.bytes("004-1-update-location-docs.json"), UTF_8) + ", 42, "
                + new String(Examples.bytes("011-11-endpoint-blocked-docs.json"), UTF_8) + "]").getBytes(UTF_8);

        send(post(body).header("Authorization", "Bearer " + TOKEN));

        assertThat(meters.counter(WebhookMetrics.REQUESTS, "outcome", "accepted", "status", "200").count()).isEqualTo(1.0);
        assertThat(meters.counter(WebhookMetrics.EVENTS_ACCEPTED).count()).isEqualTo(2.0);
        assertThat(meters.counter(WebhookMetrics.EVENTS_DEAD_LETTERED).count()).isEqualTo(1.0);
        assertThat(meters.timer(WebhookMetrics.ACK_LATENCY).count()).isEqualTo(1);
        assertThat(meters.summary(WebhookMetrics.BATCH_SIZE).totalAmount()).isEqualTo(3.0);
    }

    @Test
    void tokensCredentialsAndBodiesNeverReachTheLogs() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            String activationToken = "ACTIVATION-SECRET-4417";
            String bodyWithSecret = "[{\"id\": 1, \"timestamp\": \"2021-10-27T08:38:02Z\", \"event_type\": {\"id\": 37},"
                    + " \"organisation\": {\"id\": 9}, \"detail\": {\"activation_token\": \"" + activationToken + "\"}},"
                    + " {\"id\": 2, \"timestamp\": \"never\", \"detail\": {\"activation_token\": \"" + activationToken + "\"}}]";
            String brokenWithSecret = "[{\"detail\": \"" + activationToken + "\"}, " + activationToken + "]";
            start(true, bearerConfig().withBasicCredential(BASIC));

            send(post(bodyWithSecret.getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN));
            send(post(brokenWithSecret.getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN));
            send(post(bodyWithSecret.getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN + "x"));
            send(post(bodyWithSecret.getBytes(UTF_8)).header("Authorization", basic(BASIC.username() + ":" + BASIC.password())));
            send(post(bodyWithSecret.getBytes(UTF_8)).header("Authorization", basic(BASIC.username() + ":" + BASIC.password() + "x")));
            producer.sendException = new KafkaException("broker gone");
            send(post(bodyWithSecret.getBytes(UTF_8)).header("Authorization", "Bearer " + TOKEN));

            List<String> logged = logs.list.stream().map(WebhookServerTest::everythingLogged).toList();
            assertThat(logged).isNotEmpty();
            assertThat(String.join("\n", logged))
                    .contains("dead-lettered 1 of 2 events", "bearerToken=***")
                    .doesNotContain(activationToken, TOKEN, BASIC.password(),
                            Base64.getEncoder().encodeToString((BASIC.username() + ":" + BASIC.password()).getBytes(UTF_8)));
        } finally {
            root.detachAppender(logs);
        }
    }

    // ---- helpers

    private void start(boolean autoComplete, WebhookConfig config) {
        start(autoComplete, config, new AvroBinarySerializer<>());
    }

    private void start(boolean autoComplete, WebhookConfig config, Serializer<EmnifyEvent> eventSerializer) {
        start(autoComplete, config, eventSerializer, () -> { });
    }

    private void start(boolean autoComplete, WebhookConfig config, Serializer<EmnifyEvent> eventSerializer,
                       Runnable resolveSchemaIds) {
        Node broker = new Node(1, "localhost", 9092);
        Cluster cluster = new Cluster("test", List.of(broker),
                List.of(new PartitionInfo(TOPICS.raw(), 0, broker, new Node[]{broker}, new Node[]{broker})), Set.of(), Set.of());
        producer = new MockProducer<>(cluster, autoComplete, null, new StringSerializer(), new ByteArraySerializer());
        EventPublisher publisher = new EventPublisher(producer, eventSerializer, new AvroBinarySerializer<>(), TOPICS,
                config.ackTimeout(), resolveSchemaIds);
        server = new WebhookServer(config, new EmnifyEventReader(), publisher, meters, Clock.fixed(NOW, ZoneOffset.UTC)).start();
        toClose.add(server);
    }

    private static WebhookConfig config() {
        return WebhookConfig.defaults().withHost("127.0.0.1").withPort(0).withAckTimeout(Duration.ofSeconds(10));
    }

    private static WebhookConfig bearerConfig() {
        return config().withBearerToken(TOKEN);
    }

    private HttpRequest.Builder request() {
        return request(WebhookServer.EVENTS_PATH);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    }

    private HttpRequest.Builder post(byte[] body) {
        return request().POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = json(response.body());
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("error").asText()).contains(message);
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] array(byte[]... events) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < events.length; i++) {
            body.append(i == 0 ? "" : ",").append(new String(events[i], UTF_8));
        }
        return body.append(']').toString().getBytes(UTF_8);
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

    private static String everythingLogged(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
            text.append('\n').append(proxy.getClassName()).append(": ").append(proxy.getMessage());
        }
        return text.toString();
    }
}
