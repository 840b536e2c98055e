package io.fleetstream.app.outage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.poller.ApplicationToken;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.FakeEmnifyApi;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.poller.PollerMetrics;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fleetstream.app.outage.OutageFixtures.batch;
import static io.fleetstream.app.outage.OutageFixtures.ids;
import static io.fleetstream.app.outage.OutageFixtures.once;
import static io.fleetstream.app.outage.OutageFixtures.routedCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker goes away under a running pipeline (webhook, REST poller, topology) and comes back on the same port with
 * its data: the webhook answers 503 with {@code Retry-After} within its acknowledgement timeout and never 200, the
 * poller stops advancing its checkpoint, and once the broker is back the resent batch is accepted, the poller goes on
 * without a gap, and the category topics hold every event once.
 */
@Tag("slow")
class BrokerOutageTest {

    private static final Logger log = LoggerFactory.getLogger(BrokerOutageTest.class);
    private static final String TOKEN = "outage-app-token-7c1e";
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);
    private static final int RETRY_AFTER_SECONDS = 3;
    private static final String MALFORMED = "{\"id\": 4242, \"event_type\": {\"id\": 1, \"description\": \"Update location\"}}";

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final FakeEmnifyApi api = new FakeEmnifyApi(TOKEN);
    private EmbeddedKafka kafka;

    @AfterEach
    void stop() throws Exception {
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).close();
        }
        if (kafka != null) {
            kafka.close();
        }
        api.close();
    }

    @Test
    void theWebhookAnswers503UntilTheBrokerIsBackThePollerWaitsAndEveryEventIsRoutedOnce() throws Exception {
        Topics topics = Topics.withDefaultPrefix();
        kafka = EmbeddedKafka.start(dataDir, 0);
        int kafkaPort = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), 3, (short) 1);
        }
        // the registry keeps its schemas apart from the broker: this test is about the broker alone
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal());
        parts.add(registry);
        TopologyService topology = TopologyService.start(OutageFixtures.topology(kafka.bootstrapServers(), registry.url(),
                topics, dataDir.resolve("streams")));
        parts.add(topology);
        assertThat(topology.awaitRunning(Duration.ofMinutes(2))).isTrue();

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<ObjectNode> polledBefore = FakeEmnifyApi.spread(50_000, 12, now.minus(Duration.ofMinutes(50)), now.minusSeconds(30));
        api.add(polledBefore);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PollerConfig poller = PollerConfig.defaults(new ApplicationToken(TOKEN))
                .withBaseUrl(api.baseUrl())
                .withPollInterval(Duration.ofMillis(300))
                .withWindowSize(Duration.ofHours(1))
                .withRequestsPerSecond(10)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withBackfill(new BackfillStart.Ago(Duration.ofHours(1)));
        WebhookConfig webhook = WebhookConfig.defaults().withHost("127.0.0.1").withPort(0).withAckTimeout(ACK_TIMEOUT)
                .withRetryAfterSeconds(RETRY_AFTER_SECONDS);
        IngestService ingest = IngestService.start(new IngestService.Settings(kafka.bootstrapServers(), Map.of(),
                registry.url(), null, true, topics, webhook).withPoller(poller, true), meters);
        parts.add(ingest);

        List<ObjectNode> before = batch(100_000, 30);
        assertThat(WebhookPoster.post(ingest.port(), before).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> lastPollerSuccess(meters) > 0);
        TopicReader reader = new TopicReader(kafka.bootstrapServers(), registry.url());
        await().atMost(Duration.ofSeconds(60)).until(() -> routedCounts(reader, topics).keySet()
                .containsAll(union(ids(before), ids(polledBefore))));

        kafka.close();
        kafka = null;
        log.info("broker stopped");

        // the batch carries a record that is dead-lettered: the dead-letter topic was never written to, so the
        // producer has no metadata for it, and fetching that is what a send blocks on while the broker is away
        List<ObjectNode> during = batch(200_000, 30);
        byte[] body = withMalformed(during);
        for (int attempt = 0; attempt < 2; attempt++) {
            long started = System.nanoTime();
            HttpResponse<String> refused = WebhookPoster.post(ingest.port(), body);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            log.info("during the outage: {} after {} ms: {}", refused.statusCode(), took.toMillis(), refused.body());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue(Integer.toString(RETRY_AFTER_SECONDS));
            assertThat(refused.body()).contains("Kafka did not acknowledge", "nothing was accepted");
            // the acknowledgement timeout, plus at most as long again for a send that waits for metadata
            assertThat(took).isLessThan(ACK_TIMEOUT.multipliedBy(2).plusSeconds(2));
        }

        // readiness asks Kafka at most every 15 s: it may say ready for that long into the outage, then not
        long unreadyAfter = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> OutageFixtures.get(ingest.port(), "/health/ready").statusCode() == 503);
        log.info("ingest unready {} ms after the second refused batch: {}",
                Duration.ofNanos(System.nanoTime() - unreadyAfter).toMillis(),
                OutageFixtures.get(ingest.port(), "/health/ready").body());

        // the poller keeps the window it fetched and retries it, storing no checkpoint while Kafka acknowledges
        // nothing; what emnify lists meanwhile it fetches once the broker is back
        List<ObjectNode> polledDuring = FakeEmnifyApi.spread(60_000, 8, Instant.now().minusSeconds(20), Instant.now());
        api.add(polledDuring);
        double lastSuccess = lastPollerSuccess(meters);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> lastPollerSuccess(meters) == lastSuccess);

        kafka = EmbeddedKafka.start(dataDir, kafkaPort);
        log.info("broker back on port {}", kafkaPort);

        // the Data Streamer resends the refused batch until it is answered 200
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> WebhookPoster.post(ingest.port(), body).statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> lastPollerSuccess(meters) > lastSuccess);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> OutageFixtures.get(ingest.port(), "/health/ready").statusCode() == 200);

        Set<Long> expected = union(union(ids(before), ids(during)), union(ids(polledBefore), ids(polledDuring)));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(routedCounts(reader, topics)).isEqualTo(once(expected)));
        List<EmnifyEvent> raw = reader.values(topics.raw(), EmnifyEvent.class);
        assertThat(raw).extracting(EmnifyEvent::getId).containsAll(expected);
        log.info("raw topic: {} records for {} events", raw.size(), expected.size());
    }

    private static double lastPollerSuccess(SimpleMeterRegistry meters) {
        Gauge gauge = meters.find(PollerMetrics.LAST_SUCCESS).gauge();
        return gauge == null || Double.isNaN(gauge.value()) ? 0 : gauge.value();
    }

    private static byte[] withMalformed(List<ObjectNode> events) throws Exception {
        String array = Json.mapper().writeValueAsString(Json.mapper().createArrayNode().addAll(events));
        return (array.substring(0, array.length() - 1) + "," + MALFORMED + "]").getBytes(StandardCharsets.UTF_8);
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
