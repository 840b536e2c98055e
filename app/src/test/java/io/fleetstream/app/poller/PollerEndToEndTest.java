package io.fleetstream.app.poller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.testing.CapturedLogs;
import io.fleetstream.ingest.poller.ApplicationToken;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.FakeEmnifyApi;
import io.fleetstream.ingest.poller.KafkaPollerLease;
import io.fleetstream.ingest.poller.PollerCheckpoint;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.poller.PollerMetrics;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fleetstream ingest --poll-only} against the WireMock fake of emnify's API and a real broker: the raw topic
 * holds every polled event once, a restart resumes from the checkpoint in Kafka, and of two replicas only one polls.
 */
class PollerEndToEndTest {

    private static final String TOKEN = "e2e-app-token-SECRET-b41d";
    private static final Duration PATIENCE = Duration.ofSeconds(25);
    private static final AtomicInteger RUN = new AtomicInteger();

    @TempDir
    static Path dataDir;
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;

    private final FakeEmnifyApi api = new FakeEmnifyApi(TOKEN);
    private final List<IngestService> services = new ArrayList<>();
    private Topics topics;
    private TopicReader reader;

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

    @AfterEach
    void stop() {
        services.forEach(IngestService::close);
        api.close();
    }

    /** Each test gets its own topics, so the broker is shared. */
    private void provision(int partitions) {
        topics = new Topics("run" + RUN.incrementAndGet() + ".");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), partitions, (short) 1);
        }
        reader = new TopicReader(kafka.bootstrapServers(), registry.url());
    }

    private PollerConfig poller(BackfillStart backfill) {
        return PollerConfig.defaults(new ApplicationToken(TOKEN))
                .withBaseUrl(api.baseUrl())
                .withPollInterval(Duration.ofMillis(300))
                .withPageSize(10)
                .withWindowSize(Duration.ofHours(1))
                .withRequestsPerSecond(10)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .withBackfill(backfill);
    }

    private IngestService start(PollerConfig poller, SimpleMeterRegistry meters) {
        IngestService.Settings settings = new IngestService.Settings(kafka.bootstrapServers(), Map.of(), registry.url(),
                null, true, topics, WebhookConfig.defaults().withPort(0)).withPoller(poller, false);
        IngestService service = IngestService.start(settings, meters);
        services.add(service);
        return service;
    }

    private List<EmnifyEvent> raw() {
        return reader.values(topics.raw(), EmnifyEvent.class);
    }

    private static Set<Long> ids(List<ObjectNode> events) {
        return events.stream().map(e -> e.get("id").asLong()).collect(Collectors.toSet());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void everyPolledEventReachesTheRawTopicOnceAndARestartResumesFromTheCheckpointInKafka() throws Exception {
        provision(3);
        CapturedLogs logs = CapturedLogs.start();
        try {
            Instant now = now();
            List<ObjectNode> history = new ArrayList<>(FakeEmnifyApi.spread(10_000, 80, now.minus(Duration.ofHours(3)),
                    now.minus(Duration.ofMinutes(1))));
            history.add(FakeEmnifyApi.event(10_500, now.minusSeconds(20), 0));
            api.add(history);

            IngestService first = start(poller(new BackfillStart.Ago(Duration.ofHours(3).plusMinutes(5))), new SimpleMeterRegistry());
            await().atMost(PATIENCE).until(() -> raw().size() >= history.size());
            await().atMost(PATIENCE).until(() -> checkpoint().map(c -> !c.windowEnd().isBefore(now)).orElse(false));
            first.close();
            services.remove(first);

            List<EmnifyEvent> polled = raw();
            assertThat(polled).extracting(EmnifyEvent::getId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(ids(history));
            assertThat(polled).allSatisfy(e -> assertThat(e.getIngest().getSource()).isEqualTo(IngestSource.API));
            assertThat(reader.readAll(topics.raw(), EmnifyEvent.class)).filteredOn(r -> r.value().getId() == 10_500)
                    .singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("org-1825"));
            assertThat(api.eventRequests()).anySatisfy(r -> assertThat(r.page()).isGreaterThan(2));

            PollerCheckpoint stored = checkpoint().orElseThrow();
            List<ObjectNode> meanwhile = List.of(
                    FakeEmnifyApi.event(20_000, stored.windowEnd().plusMillis(300), 20_000_001L),
                    FakeEmnifyApi.event(20_001, stored.windowEnd().minusSeconds(45), 20_000_002L));
            api.add(meanwhile);
            Thread.sleep(1_100);
            int requestsBefore = api.eventRequests().size();

            start(poller(new BackfillStart.Ago(Duration.ofHours(3))), new SimpleMeterRegistry());
            await().atMost(PATIENCE).until(() -> raw().size() >= history.size() + meanwhile.size());

            Set<Long> expected = new HashSet<>(ids(history));
            expected.addAll(ids(meanwhile));
            assertThat(raw()).extracting(EmnifyEvent::getId).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
            assertThat(api.eventRequests().get(requestsBefore).q())
                    .as("resumed from the checkpoint minus the overlap, not from the backfill start")
                    .startsWith("from:" + stored.windowEnd().minus(PollerConfig.DEFAULT_OVERLAP) + ",");
        } finally {
            logs.close();
        }
        List<String> secrets = new ArrayList<>(api.issuedJwts());
        secrets.add(TOKEN);
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(3);
        List<String> lines = logs.lines();
        assertThat(lines).hasSizeGreaterThan(10);
        for (String secret : secrets) {
            assertThat(lines).as("no log line carries the token or a JWT").noneMatch(line -> line.contains(secret));
        }
    }

    @Test
    void ofTwoReplicasOnlyOnePollsAndTheOtherTakesOverWhenItStops() {
        provision(2);
        Instant now = now();
        List<ObjectNode> history = FakeEmnifyApi.spread(30_000, 40, now.minus(Duration.ofHours(1)), now.minusSeconds(30));
        api.add(history);
        PollerConfig config = poller(new BackfillStart.Ago(Duration.ofHours(1)));
        SimpleMeterRegistry metersA = new SimpleMeterRegistry();
        SimpleMeterRegistry metersB = new SimpleMeterRegistry();
        IngestService a = start(config, metersA);
        IngestService b = start(config, metersB);

        await().atMost(PATIENCE).until(() -> raw().size() >= history.size() && active(metersA) + active(metersB) == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> active(metersA) + active(metersB) == 1);
        assertThat(api.authentications()).as("the other replica never talked to emnify").hasSize(1);
        assertThat(raw()).extracting(EmnifyEvent::getId).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(history));

        boolean aWasActive = active(metersA) == 1;
        IngestService holder = aWasActive ? a : b;
        SimpleMeterRegistry survivor = aWasActive ? metersB : metersA;
        holder.close();
        services.remove(holder);
        await().atMost(PATIENCE).until(() -> active(survivor) == 1);

        ObjectNode later = FakeEmnifyApi.event(31_000, now(), 20_000_003L);
        api.add(List.of(later));
        await().atMost(PATIENCE).until(() -> raw().stream().anyMatch(e -> e.getId() == 31_000));
        assertThat(raw()).extracting(EmnifyEvent::getId).doesNotHaveDuplicates().hasSize(history.size() + 1);
        assertThat(api.authentications()).as("the survivor authenticated once it took over").hasSize(2);
    }

    private static int active(SimpleMeterRegistry meters) {
        Gauge gauge = meters.find(PollerMetrics.ACTIVE).gauge();
        return gauge == null ? 0 : (int) gauge.value();
    }

    /** The latest checkpoint of the token's poller, read as any consumer of the compacted topic would. */
    private Optional<PollerCheckpoint> checkpoint() {
        String pollerId = PollerConfig.defaultPollerId(new ApplicationToken(TOKEN));
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(topics.pollerCheckpoints()).size();
            TopicPartition partition = new TopicPartition(topics.pollerCheckpoints(),
                    KafkaPollerLease.partitionFor(pollerId, partitions));
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Optional<PollerCheckpoint> latest = Optional.empty();
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (pollerId.equals(record.key())) {
                        latest = Optional.of(PollerCheckpoint.fromJson(record.value()));
                    }
                }
            }
            return latest;
        }
    }
}
