package io.fleetstream.app.outage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.fleetstream.app.outage.OutageFixtures.batch;
import static io.fleetstream.app.outage.OutageFixtures.ids;
import static io.fleetstream.app.outage.OutageFixtures.once;
import static io.fleetstream.app.outage.OutageFixtures.routedCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ingest process is killed with SIGKILL while it publishes a batch: part of the batch is in the raw topic, and the
 * caller never got an answer, let alone a 200. The Data Streamer then resends the batch to the restarted ingest; the
 * raw topic holds the part written before the crash twice, the category topics hold every event once.
 */
@Tag("slow")
class IngestCrashTest {

    private static final Logger log = LoggerFactory.getLogger(IngestCrashTest.class);
    private static final int EVENTS = 3_000;
    /**
     * One record a produce request, one request at a time: the batch takes seconds to publish, so the kill lands in
     * the middle of it (acks and idempotence stay as ingest requires them).
     */
    private static final List<String> ONE_RECORD_AT_A_TIME = List.of("batch.size=0", "linger.ms=0",
            "max.in.flight.requests.per.connection=1");

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> parts = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).close();
        }
    }

    @Test
    void aBatchCutShortBySigkillIsNeverAnswered200AndItsResendLeavesEachEventOnceInTheCategories() throws Exception {
        Topics topics = Topics.withDefaultPrefix();
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
        parts.add(kafka);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), 3, (short) 1);
        }
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal());
        parts.add(registry);
        TopologyService topology = TopologyService.start(OutageFixtures.topology(kafka.bootstrapServers(), registry.url(),
                topics, dataDir.resolve("streams")));
        parts.add(topology);
        assertThat(topology.awaitRunning(Duration.ofMinutes(2))).isTrue();

        Path ingestLog = dataDir.resolve("ingest.log");
        IngestProcess doomed = IngestProcess.start(kafka.bootstrapServers(), registry.url(), topics, ingestLog,
                ONE_RECORD_AT_A_TIME);
        parts.add(doomed);
        List<ObjectNode> events = batch(700_000, EVENTS);
        byte[] body = Json.mapper().writeValueAsBytes(Json.mapper().createArrayNode().addAll(events));
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + doomed.port() + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        try (Admin admin = Admin.create(kafka.clientProperties())) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> answer.isDone() || written(admin, topics.raw()) >= EVENTS / 10);
            assertThat(answer).as("the batch was answered before any of it reached Kafka, or before the kill; ingest's log:\n%s",
                    doomed.logText()).isNotDone();
            int exit = doomed.kill();
            log.info("killed ingest (pid {}) with SIGKILL: exit {}", doomed.pid(), exit);
        }

        assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS))
                .as("the caller gets no answer at all from a killed ingest, never a 200")
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
        TopicReader reader = new TopicReader(kafka.bootstrapServers(), registry.url());
        List<EmnifyEvent> beforeCrash = reader.values(topics.raw(), EmnifyEvent.class);
        log.info("the raw topic holds {} of the batch's {} events after the crash", beforeCrash.size(), EVENTS);
        assertThat(beforeCrash).as("part of the batch, not all of it, reached Kafka before the kill")
                .hasSizeBetween(1, EVENTS - 1);

        IngestProcess restarted = IngestProcess.start(kafka.bootstrapServers(), registry.url(), topics,
                dataDir.resolve("ingest-restarted.log"), List.of());
        parts.add(restarted);
        HttpResponse<String> resent = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + restarted.port() + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
        assertThat(resent.body()).isEqualTo("{\"accepted\":" + EVENTS + ",\"dead_lettered\":0}");

        List<EmnifyEvent> raw = reader.values(topics.raw(), EmnifyEvent.class);
        Map<Long, Long> rawCounts = raw.stream().collect(Collectors.groupingBy(EmnifyEvent::getId, Collectors.counting()));
        assertThat(raw).as("the part written before the crash, then the whole batch").hasSize(beforeCrash.size() + EVENTS);
        assertThat(rawCounts.keySet()).isEqualTo(ids(events));
        assertThat(rawCounts).containsAllEntriesOf(beforeCrash.stream()
                .collect(Collectors.toMap(EmnifyEvent::getId, e -> 2L, (a, b) -> a)));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(routedCounts(reader, topics)).isEqualTo(once(ids(events))));
    }

    /** Records in the topic: its end offsets summed (ingest's producer is idempotent, not transactional: no markers). */
    private static long written(Admin admin, String topic) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())))
                .all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
}
