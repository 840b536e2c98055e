package io.fleetstream.app.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.TopologyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole path as a user drives it: real emnify example payloads posted over HTTP to `local`
 * mode's webhook (with duplicates and a malformed record), then the raw, category and dead-letter
 * topics read with a plain Kafka consumer, and a category topic read by Confluent's Python client.
 *
 * <p>The fixture (the stack and the two batches posted to it) is set up once in {@link #start()}; the tests
 * only read it, or post what they need themselves without writing to any topic, so they run in any order.
 */
class PipelineEndToEndTest {

    private static final String MALFORMED = "{\"id\": 99, \"event_type\": {\"id\": 1, \"description\": \"Update location\"}}";
    private static LocalRun local;
    private static LocalStack stack;
    private static TopicReader reader;
    private static final Topics topics = Topics.withDefaultPrefix();
    private static final EventCatalog catalog = EventCatalog.standard();
    /** the example events plus one new event, each once: what the category topics must hold */
    private static Map<Long, Integer> expectedTypes;
    /** the webhook's answers to the fixture's two batches */
    private static HttpResponse<String> firstBatch;
    private static HttpResponse<String> secondBatch;

    @BeforeAll
    static void start() throws Exception {
        local = LocalRun.start("fleetstream-e2e", TopologyConfig.defaults(topics));
        stack = local.stack;
        reader = local.reader;
        postBatches();
    }

    /**
     * The fixture every test reads: every example and a malformed record in one batch, then a batch of two
     * duplicates and one new event. The webhook answers only once Kafka acknowledged every record, so the
     * raw and dead-letter topics are complete when this returns; routing to the categories follows.
     */
    private static void postBatches() throws Exception {
        Map<Long, Integer> types = new java.util.HashMap<>();
        List<byte[]> first = new ArrayList<>();
        for (String name : Examples.names()) {
            first.add(Examples.bytes(name));
            JsonNode json = Examples.json(name);
            types.put(json.get("id").asLong(), json.get("event_type").get("id").asInt());
        }
        first.add(MALFORMED.getBytes(StandardCharsets.UTF_8));
        firstBatch = post(array(first));

        ObjectNode fresh = (ObjectNode) Examples.json("008-5-delete-pdp-docs.json").deepCopy();
        fresh.put("id", 777000111L);
        types.put(777000111L, 5);
        List<byte[]> second = List.of(Examples.bytes("006-3-create-pdp-accepted-docs.json"),
                Examples.bytes("008-5-delete-pdp-docs.json"), Json.mapper().writeValueAsBytes(fresh));
        secondBatch = post(array(second));
        expectedTypes = Map.copyOf(types);
    }

    @AfterAll
    static void stop() throws IOException {
        if (local != null) {
            local.close();
        }
    }

    private static HttpResponse<String> post(byte[] body) throws Exception {
        return WebhookPoster.post(stack.ingestPort(), body);
    }

    private static byte[] array(List<byte[]> elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.writeBytes(",\n".getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes(elements.get(i));
        }
        out.writeBytes("]".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void batchesWithDuplicatesAndAMalformedRecordAreAccepted() throws Exception {
        assertThat(firstBatch.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(firstBatch.body()))
                .isEqualTo(Json.mapper().readTree("{\"accepted\": " + Examples.names().size() + ", \"dead_lettered\": 1}"));
        assertThat(secondBatch.statusCode()).isEqualTo(200);
        assertThat(secondBatch.body()).isEqualTo("{\"accepted\":3,\"dead_lettered\":0}");
    }

    @Test
    void theRawTopicHoldsEverythingAcceptedDuplicatesIncluded() {
        // raw: everything accepted, duplicates included, as the webhook received it
        List<TopicReader.Read<EmnifyEvent>> raw = reader.readAll(topics.raw(), EmnifyEvent.class);
        assertThat(raw).hasSize(Examples.names().size() + 3);
        assertThat(raw).allSatisfy(r -> assertThat(r.value().getIngest().getSource()).isEqualTo(IngestSource.STREAMER));
        assertThat(raw).filteredOn(r -> r.value().getId() == 31877325941L)
                .hasSize(2).allSatisfy(r -> assertThat(r.key()).isEqualTo("20200078"));
        assertThat(raw).filteredOn(r -> r.value().getId() == 1697107630311L) // organisation-level: keyed by organisation
                .singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("org-4732"));
    }

    @Test
    void eachEventIsDedupedAndRoutedOnceToTheTopicOfItsType() {
        // categories: each event exactly once, on the topic of its type
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<Long, EventCategory> routed = new java.util.HashMap<>();
            for (EventCategory category : EventCategory.values()) {
                for (EmnifyEvent e : reader.values(topics.category(category), EmnifyEvent.class)) {
                    assertThat(routed.put(e.getId(), category)).as("event %d routed twice", e.getId()).isNull();
                }
            }
            Map<Long, EventCategory> expected = expectedTypes.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> catalog.categoryOf(e.getValue())));
            assertThat(routed).isEqualTo(expected);
        });
    }

    @Test
    void theMalformedRecordIsDeadLetteredWithItsBytesAndReason() {
        // dead letters: the malformed record with its exact bytes and the reason
        List<DeadLetter> dead = reader.values(topics.deadLetters(), DeadLetter.class);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo("ingest.webhook");
            assertThat(d.getReason()).contains("timestamp");
            assertThat(new String(d.getOriginal().array(), StandardCharsets.UTF_8)).isEqualTo(MALFORMED);
            assertThat(d.getSource()).isEqualTo("STREAMER");
        });
    }

    @Test
    void everyCategoryTopicExistsEvenWhenEmpty() {
        // the fixture's events may still be on their way to the categories
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<EventCategory, Integer> counts = new EnumMap<>(EventCategory.class);
            for (EventCategory category : EventCategory.values()) {
                counts.put(category, reader.values(topics.category(category), EmnifyEvent.class).size());
            }
            assertThat(counts).containsEntry(EventCategory.DATA_CONNECTION, 4).containsEntry(EventCategory.GENERIC, 0);
        });
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWithTheReason() throws Exception {
        // refused before anything is published, so the fixture's topics are untouched
        HttpResponse<String> response = post("{\"id\": 1,".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("body is not JSON");
    }

    @Test
    void confluentsPythonClientDecodesACategoryTopicThroughTheRegistry() throws Exception {
        boolean available = new ProcessBuilder("/usr/bin/python3", "-c", "import confluent_kafka, avro")
                .redirectErrorStream(true).start().waitFor() == 0;
        if (!available && System.getenv("CI") != null) {
            throw new AssertionError("python3-confluent-kafka and python3-avro are required in CI (see .ci/run)");
        }
        assumeTrue(available, "Confluent's Python client is not installed: apt-get install python3-confluent-kafka python3-avro");

        Process python = new ProcessBuilder("/usr/bin/python3", "src/test/python/read_topic.py", stack.bootstrapServers(),
                stack.registryUrl(), topics.category(EventCategory.DATA_CONNECTION), "4", "60")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(out).isZero();

        Set<Long> ids = new HashSet<>();
        for (String line : out.strip().split("\n")) {
            JsonNode record = Json.mapper().readTree(line);
            assertThat(record.get("schema_name").asText()).isEqualTo("io.fleetstream.avro.EmnifyEvent");
            JsonNode value = record.get("value");
            ids.add(value.get("id").asLong());
            if (value.get("id").asLong() == 31877325941L) {
                assertThat(record.get("key").asText()).isEqualTo("20200078");
                assertThat(value.get("pdp").get("session_id").asText()).isEqualTo("d12c574f-e219-45a4-8836-d17a50f66fb1");
                assertThat(value.get("event_type").get("id").asInt()).isEqualTo(3);
            }
        }
        assertThat(ids).containsExactlyInAnyOrder(31877325941L, 7745432124L, 1906081382592L, 777000111L);
    }
}
