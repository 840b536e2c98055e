package io.fleetstream.app.containers;

import io.fleetstream.app.local.LocalStack;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.DeviceTimers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.kafka.KafkaContainer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path on a Kafka broker in a container (Testcontainers' {@link KafkaContainer} with the official
 * {@code apache/kafka} image, or the image named by {@code FLEETSTREAM_KAFKA_IMAGE}): emnify's example events posted to
 * the webhook, the raw topic, routing to the category topics, the dead-letter topic, and the query API, wired exactly
 * as {@code local} mode wires them on its embedded broker.
 */
class KafkaContainerPipelineIT {

    private static final Topics topics = Topics.withDefaultPrefix();

    private static KafkaContainer kafka;
    private static LocalStack stack;
    private static Path dataDir;
    private static HttpResponse<String> answer;

    @BeforeAll
    static void start() throws Exception {
        Docker.require();
        kafka = new KafkaContainer(Docker.kafkaImage());
        kafka.start();
        dataDir = Files.createTempDirectory("fleetstream-kafka-container");
        // in-order delivery from one poster: no lateness to wait out before device state shows
        TopologyConfig topology = TopologyConfig.defaults(topics)
                .withDeviceTimers(DeviceTimers.defaults().withLateness(Duration.ZERO));
        stack = LocalStack.startOn(kafka.getBootstrapServers(), new LocalStack.Settings(dataDir, LocalStack.Ports.any(),
                topics, 3, topology, "exactly_once_v2", Duration.ofMillis(200), WebhookConfig.defaults()),
                new SimpleMeterRegistry());
        answer = WebhookPoster.post(stack.ingestPort(), ExamplePayloads.batch());
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theWebhookAnswersOnceTheBrokerInTheContainerHasEveryRecord() throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(answer.body())).isEqualTo(Json.mapper().readTree(
                "{\"accepted\": " + ExamplePayloads.size() + ", \"dead_lettered\": 1}"));
    }

    @Test
    void everyExampleReachesTheCategoryTopicOfItsTypeOnce() {
        TopicReader reader = new TopicReader(kafka.getBootstrapServers(), stack.registryUrl());
        await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> ExamplePayloads.assertRoutedOnce(reader, topics));
    }

    @Test
    void theMalformedRecordIsDeadLetteredWithItsBytes() {
        TopicReader reader = new TopicReader(kafka.getBootstrapServers(), stack.registryUrl());
        List<DeadLetter> dead = reader.values(topics.deadLetters(), DeadLetter.class);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.getReason()).contains("timestamp");
            assertThat(new String(d.getOriginal().array(), StandardCharsets.UTF_8)).isEqualTo(ExamplePayloads.MALFORMED);
        });
    }

    @Test
    void theQueryApiListsTheDevicesEventsAndState() {
        ExamplePayloads.awaitTheDeviceInTheQueryApi("http://127.0.0.1:" + stack.queryPort());
    }

}
