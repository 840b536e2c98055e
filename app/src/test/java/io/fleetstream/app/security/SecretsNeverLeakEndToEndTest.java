package io.fleetstream.app.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.simulate.SimulatorConfig;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.ingest.poller.ApplicationToken;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.FakeEmnifyApi;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.testing.CapturedLogs;
import io.fleetstream.ingest.webhook.BasicCredential;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.query.QueryAccess;
import io.fleetstream.topology.query.QueryServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every secret fleetstream holds, set to a distinctive value at once, through the roles run in-process on an embedded
 * broker (ingest with webhook and poller, topology with its query API), driven with traffic that succeeds and traffic
 * that fails: wrong and missing credentials on both HTTP APIs, a registry that cannot be reached (ingest answers 503,
 * a topology instance stays unready), a poller whose application token emnify refuses, JWTs revoked under a working
 * poller, a record dead-lettered. No secret may then appear in any log line (every logger; fleetstream's at DEBUG,
 * Kafka's configuration dumps at INFO), in any HTTP answer (bodies and headers), in a {@code /metrics} scrape, in the
 * dead-letter topic (keys, headers, values) or in the text of any object that holds one.
 *
 * <p>Everything is driven once in {@link #drive()}; each test reads one channel of what was collected.
 */
class SecretsNeverLeakEndToEndTest {

    private static final String WEBHOOK_TOKEN = "webhook-token-SECRET-1a2b";
    private static final BasicCredential WEBHOOK_BASIC = new BasicCredential("streamer", "basic-password-SECRET-3c4d");
    private static final String QUERY_TOKEN = "query-token-SECRET-5e6f";
    private static final String EMNIFY_TOKEN = "emnify-app-token-SECRET-7a8b";
    private static final String REFUSED_EMNIFY_TOKEN = "refused-emnify-token-SECRET-9c0d";
    private static final String REGISTRY_USER_INFO = "fleet:registry-password-SECRET-e1f2";
    private static final String REGISTRY_URL_PASSWORD = "registry-url-password-SECRET-a3b4";
    private static final String KAFKA_PASSWORD = "kafka-sasl-password-SECRET-c5d6";
    /** What callers guessed wrong: a guess may be a real credential of something else, so it is not logged either. */
    private static final String WRONG_WEBHOOK_GUESS = "wrong-webhook-guess-SECRET-e7f8";
    private static final String WRONG_QUERY_GUESS = "wrong-query-guess-SECRET-0a1b";
    private static final Map<String, String> KAFKA_SECURITY = Map.of("sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"fleet\" password=\""
                    + KAFKA_PASSWORD + "\";");

    private static final Topics topics = Topics.withDefaultPrefix();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Path dataDir;
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static FakeEmnifyApi emnify;
    private static final List<AutoCloseable> roles = new ArrayList<>();

    private static final List<String> secrets = new ArrayList<>();
    private static final List<String> logLines = new ArrayList<>();
    /** Every HTTP answer as status, headers and body, each under what was asked. */
    private static final Map<String, String> answers = new LinkedHashMap<>();
    private static final List<String> scrapes = new ArrayList<>();
    private static final List<String> deadLetters = new ArrayList<>();
    private static final Map<String, String> texts = new LinkedHashMap<>();

    @BeforeAll
    static void drive() throws Exception {
        dataDir = Files.createTempDirectory("fleetstream-secrets");
        kafka = EmbeddedKafka.start(dataDir, 0);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), 2, (short) 1);
        }
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal());
        emnify = new FakeEmnifyApi(EMNIFY_TOKEN);
        emnify.add(FakeEmnifyApi.spread(1_000, 20, Instant.now().minus(Duration.ofMinutes(30)), Instant.now().minusSeconds(60)));

        Logger fleetstream = (Logger) LoggerFactory.getLogger("io.fleetstream");
        Logger kafkaConfig = (Logger) LoggerFactory.getLogger("org.apache.kafka.common.config");
        Level fleetstreamBefore = fleetstream.getLevel();
        Level kafkaConfigBefore = kafkaConfig.getLevel();
        fleetstream.setLevel(Level.DEBUG);
        kafkaConfig.setLevel(Level.INFO);
        CapturedLogs logs = CapturedLogs.start();
        try {
            driveTraffic();
        } finally {
            logs.close();
            fleetstream.setLevel(fleetstreamBefore);
            kafkaConfig.setLevel(kafkaConfigBefore);
        }
        logLines.addAll(logs.lines());
        deadLetters.addAll(deadLetterRecords());

        secrets.addAll(List.of(WEBHOOK_TOKEN, WEBHOOK_BASIC.password(), QUERY_TOKEN, EMNIFY_TOKEN, REFUSED_EMNIFY_TOKEN,
                REGISTRY_USER_INFO.substring(REGISTRY_USER_INFO.indexOf(':') + 1), REGISTRY_URL_PASSWORD, KAFKA_PASSWORD,
                WRONG_WEBHOOK_GUESS, WRONG_QUERY_GUESS,
                base64(WEBHOOK_BASIC.username() + ":" + WEBHOOK_BASIC.password()), base64(REGISTRY_USER_INFO),
                base64("fleet:" + REGISTRY_URL_PASSWORD)));
        secrets.addAll(emnify.issuedJwts());
    }

    private static void driveTraffic() throws Exception {
        // the working roles: registry credentials as an option (topology) and in the URL (ingest)
        String registryUrlWithPassword = registry.url().replace("http://", "http://fleet:" + REGISTRY_URL_PASSWORD + "@");
        TopologyService.InstanceSettings instance = instance("fleetstream-secrets", QueryAccess.token(QUERY_TOKEN));
        TopologyService topology = start(TopologyService.start(new TopologyService.Settings(
                new TopologyService.Connection(kafka.bootstrapServers(), KAFKA_SECURITY, registry.url(), REGISTRY_USER_INFO, true),
                instance)));
        PrometheusMeterRegistry ingestMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WebhookConfig webhook = WebhookConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withBearerToken(WEBHOOK_TOKEN).withBasicCredential(WEBHOOK_BASIC);
        PollerConfig poller = poller(EMNIFY_TOKEN);
        IngestService.Settings ingestSettings = new IngestService.Settings(kafka.bootstrapServers(), KAFKA_SECURITY,
                registryUrlWithPassword, null, true, topics, webhook).withPoller(poller, true);
        IngestService ingest = start(IngestService.start(ingestSettings, ingestMeters));

        // the broken ones: a registry that is not there (credentials in option and URL), an application token emnify refuses
        int nowhere = FreePort.on("127.0.0.1");
        String unreachableRegistry = "http://fleet:" + REGISTRY_URL_PASSWORD + "@127.0.0.1:" + nowhere;
        IngestService.Settings brokenIngestSettings = new IngestService.Settings(kafka.bootstrapServers(), KAFKA_SECURITY,
                unreachableRegistry, REGISTRY_USER_INFO, true, topics, webhook).withPoller(poller(REFUSED_EMNIFY_TOKEN), true);
        IngestService brokenIngest = start(IngestService.start(brokenIngestSettings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
        TopologyService.Settings brokenTopologySettings = new TopologyService.Settings(new TopologyService.Connection(
                kafka.bootstrapServers(), KAFKA_SECURITY, unreachableRegistry, REGISTRY_USER_INFO, true),
                instance("fleetstream-secrets-unready", QueryAccess.token(QUERY_TOKEN)));
        TopologyService brokenTopology = start(TopologyService.start(brokenTopologySettings));

        texts.put("webhook config", webhook.toString());
        texts.put("basic credential", WEBHOOK_BASIC.toString());
        texts.put("poller config", poller.toString());
        texts.put("application token", new ApplicationToken(EMNIFY_TOKEN).toString());
        texts.put("ingest settings", ingestSettings.toString());
        texts.put("broken ingest settings", brokenIngestSettings.toString());
        texts.put("topology settings", brokenTopologySettings.toString());
        texts.put("topology connection", brokenTopologySettings.connection().toString());
        texts.put("topology instance", instance.toString());
        texts.put("query server config", new QueryServer.Config("0.0.0.0", 8090).withAccess(instance.queryAccess()).toString());
        texts.put("registry client", new HttpSchemaRegistryClient(unreachableRegistry, REGISTRY_USER_INFO, Duration.ofSeconds(1)).toString());
        texts.put("simulator config", SimulatorConfig.defaults(URI.create("http://127.0.0.1:1/v1/events"), 1, 1)
                .withAuthorization("Bearer " + WEBHOOK_TOKEN).toString());

        // the webhook: right and wrong credentials, a record to dead-letter, and a registry that is not there
        String events = "[" + FakeEmnifyApi.event(5_001, Instant.now(), 20_500_001L) + ","
                + "{\"id\": 5002, \"event_type\": {\"id\": 1}}]";
        int port = ingest.port();
        assertThat(post(port, events, "Bearer " + WEBHOOK_TOKEN).statusCode()).isEqualTo(200);
        assertThat(post(port, events, "Basic " + base64(WEBHOOK_BASIC.username() + ":" + WEBHOOK_BASIC.password()))
                .statusCode()).isEqualTo(200);
        assertThat(post(port, events, "Bearer " + WRONG_WEBHOOK_GUESS).statusCode()).isEqualTo(401);
        assertThat(post(port, events, "Basic " + base64(WEBHOOK_BASIC.username() + ":" + WRONG_WEBHOOK_GUESS)).statusCode())
                .isEqualTo(401);
        assertThat(post(port, events, null).statusCode()).isEqualTo(401);
        assertThat(post(brokenIngest.port(), events, "Bearer " + WEBHOOK_TOKEN).statusCode()).isEqualTo(503);

        // the poller: it publishes, its JWTs are revoked, it authenticates again; the other one is refused
        await().atMost(Duration.ofSeconds(30)).until(() -> !emnify.eventRequests().isEmpty());
        emnify.revokeIssuedJwts();
        await().atMost(Duration.ofSeconds(30)).until(() -> emnify.authentications().stream()
                .filter(served -> served.status() == 200).count() >= 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> emnify.authentications().stream()
                .anyMatch(served -> served.status() == 401));

        // the query API: right, wrong and missing tokens; probes and metrics; the unready instance says why
        assertThat(topology.awaitRunning(Duration.ofSeconds(60))).isTrue();
        int query = topology.queryPort();
        await().atMost(Duration.ofSeconds(60)).until(() -> get(query, "/v1/devices/20500001/events", "Bearer " + QUERY_TOKEN)
                .statusCode() == 200);
        get(query, "/v1/fleet/summary", "Bearer " + QUERY_TOKEN);
        get(query, "/v1/instances", "Bearer " + QUERY_TOKEN);
        assertThat(get(query, "/v1/devices/20500001", "Bearer " + WRONG_QUERY_GUESS).statusCode()).isEqualTo(401);
        assertThat(get(query, "/v1/devices/20500001", null).statusCode()).isEqualTo(401);
        assertThat(get(query, "/v1/devices/not-a-number", "Bearer " + QUERY_TOKEN).statusCode()).isEqualTo(400);
        get(query, "/health/ready", null);
        int unready = brokenTopology.queryPort();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(unready, "/health/ready", null).body().contains("registry"));
        assertThat(get(unready, "/v1/devices/20500001", "Bearer " + QUERY_TOKEN).statusCode()).isEqualTo(503);

        scrapes.add(get(query, "/metrics", null).body());
        scrapes.add(ingestMeters.scrape());
        for (int i = roles.size() - 1; i >= 0; i--) {
            roles.get(i).close();
        }
        roles.clear();
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable part : Stream.concat(roles.stream(), Stream.of(emnify, registry, kafka)).toList()) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    // best effort: the next part must still stop
                }
            }
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theTrafficReachedEveryFailureItWasMeantTo() {
        assertThat(String.join("\n", logLines)).contains("refused a request from", "refused a query from",
                "answered 503 to a batch", "bearerToken=***", "dead-lettered 1 of 2 events", "sasl.jaas.config = [hidden]");
        assertThat(answers).anySatisfy((asked, answer) -> assertThat(answer).startsWith("401").containsIgnoringCase("WWW-Authenticate"));
        assertThat(answers.values()).anyMatch(answer -> answer.startsWith("503") && answer.contains("schema registry"));
        assertThat(emnify.issuedJwts()).hasSizeGreaterThanOrEqualTo(2);
        // each channel is really read: the dead-lettered record's bytes, both roles' request meters
        assertThat(deadLetters).anyMatch(record -> record.contains("\"id\": 5002"));
        assertThat(scrapes.get(0)).contains("fleetstream_query_requests_seconds_count", "status=\"401\"");
        assertThat(scrapes.get(1)).contains("fleetstream_ingest_webhook");
    }

    @Test
    void noSecretReachesALog() {
        assertThat(logLines).hasSizeGreaterThan(20);
        assertNoSecretIn("the logs", String.join("\n", logLines));
    }

    @Test
    void noSecretReachesAnHttpAnswer() {
        assertThat(answers).hasSizeGreaterThan(10);
        answers.forEach(SecretsNeverLeakEndToEndTest::assertNoSecretIn);
    }

    @Test
    void noSecretReachesTheMetrics() {
        assertThat(scrapes).allSatisfy(scrape -> assertThat(scrape).contains("# TYPE"));
        scrapes.forEach(scrape -> assertNoSecretIn("a /metrics scrape", scrape));
    }

    @Test
    void noSecretReachesTheDeadLetterTopic() {
        deadLetters.forEach(record -> assertNoSecretIn("a dead letter", record));
    }

    @Test
    void noObjectHoldingASecretPrintsIt() {
        assertThat(texts).hasSizeGreaterThanOrEqualTo(12);
        texts.forEach(SecretsNeverLeakEndToEndTest::assertNoSecretIn);
    }

    // ---- helpers

    private static void assertNoSecretIn(String where, String text) {
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(15);
        for (String secret : secrets) {
            assertThat(text).as("%s must not contain a secret", where).doesNotContain(secret);
        }
    }

    private static <T extends AutoCloseable> T start(T role) {
        roles.add(role);
        return role;
    }

    private static TopologyService.InstanceSettings instance(String applicationId, QueryAccess access) {
        return new TopologyService.InstanceSettings(applicationId, dataDir.resolve(applicationId), "at_least_once", 0, 1, 1,
                Duration.ofMillis(100), "127.0.0.1", 0, "127.0.0.1", null,
                TopologyConfig.defaults(topics)).withQueryAccess(access);
    }

    private static PollerConfig poller(String token) {
        return PollerConfig.defaults(new ApplicationToken(token))
                .withBaseUrl(emnify.baseUrl())
                .withPollInterval(Duration.ofMillis(300))
                .withRequestsPerSecond(10)
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .withBackfill(new BackfillStart.Ago(Duration.ofHours(1)));
    }

    private static HttpResponse<String> post(int port, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return exchange("POST :" + port + " /v1/events as " + authorization, request, authorization);
    }

    private static HttpResponse<String> get(int port, String path, String authorization) throws Exception {
        return exchange("GET :" + port + " " + path + " as " + authorization,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET(), authorization);
    }

    private static HttpResponse<String> exchange(String asked, HttpRequest.Builder request, String authorization)
            throws Exception {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // the key says what was sent (it holds the secret); the value is what came back
        answers.put(asked.replace(Optional.ofNullable(authorization).orElse("-"), "<credential>") + " #" + answers.size(),
                response.statusCode() + " " + response.headers().map() + " " + response.body());
        return response;
    }

    /** Every record of the dead-letter topic: key, headers and value as bytes read as Latin-1, and decoded. */
    private static List<String> deadLetterRecords() {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topics.deadLetters(), Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topics.deadLetters(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long deadline = System.currentTimeMillis() + 20_000;
            while (out.size() < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    StringBuilder record = new StringBuilder(latin1(r.key())).append(' ');
                    for (Header header : r.headers()) {
                        record.append(header.key()).append('=').append(latin1(header.value())).append(' ');
                    }
                    out.add(record.append(latin1(r.value())).toString());
                }
            }
        }
        new TopicReader(kafka.bootstrapServers(), registry.url()).values(topics.deadLetters(), DeadLetter.class)
                .forEach(letter -> out.add(letter.toString()));
        return out;
    }

    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
