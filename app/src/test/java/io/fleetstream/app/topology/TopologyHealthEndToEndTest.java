package io.fleetstream.app.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.topology.TopologyConfig;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The topology role's health on a real broker: unready (503, saying why) while the schema registry is away and before
 * Kafka Streams is RUNNING, ready once it runs, unready again while a stream thread waits for the registry, and not
 * live once Kafka Streams has stopped without being asked to.
 */
class TopologyHealthEndToEndTest {

    private final Topics topics = Topics.withDefaultPrefix();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyOnlyWhileStreamsRunsAndTheRegistryAnswersLiveUntilStreamsStopsForGood(@TempDir Path dir) throws Exception {
        InMemoryRegistryJournal journal = new InMemoryRegistryJournal();
        int registryPort = FreePort.on("127.0.0.1");
        String registryUrl = "http://127.0.0.1:" + registryPort;
        EmbeddedSchemaRegistry registry = null;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                new TopicProvisioner(admin).ensure(topics.all(), 1, (short) 1);
            }
            // a short session timeout: the stream thread that replaces one failed on the registry joins sooner
            TopologyService.Settings settings = new TopologyService.Settings(kafka.bootstrapServers(),
                    Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000"), registryUrl, null, true,
                    "fleetstream-health", dir.resolve("streams"), "exactly_once_v2", 0, 1, 1, Duration.ofMillis(100),
                    "127.0.0.1", 0, "127.0.0.1", "fleetstream-health-0", TopologyConfig.defaults(topics));
            try (TopologyService service = TopologyService.start(settings)) {
                int port = service.queryPort();

                // no registry yet: the written topics' schemas cannot be resolved, Kafka Streams has not started (the
                // first answers may come before the first attempt to resolve them, and say only that it has not started)
                HttpResponse<String> waiting = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> get(port, "/health/ready"), r -> {
                            assertThat(r.statusCode()).isEqualTo(503);
                            return r.body().contains("waiting for the schema registry");
                        });
                assertThat(waiting.headers().firstValue("Retry-After")).isPresent();
                JsonNode why = Json.mapper().readTree(waiting.body());
                assertThat(why.path("reason").asText()).startsWith("waiting for the schema registry");
                assertThat(why.path("streams").asText()).isEqualTo("CREATED");
                assertThat(get(port, "/health/live").statusCode()).as("waiting is not dead").isEqualTo(200);

                registry = EmbeddedSchemaRegistry.start("127.0.0.1", registryPort, journal);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> get(port, "/health/ready").statusCode() == 200);
                JsonNode ready = Json.mapper().readTree(get(port, "/health/ready").body());
                assertThat(ready.path("streams").asText()).isEqualTo("RUNNING");
                assertThat(ready.path("checks").path("restore").asText()).isEqualTo("UP");
                assertThat(ready.path("restore_remaining_records").asText()).isEqualTo("0");

                // a record whose writer schema this instance never fetched arrives while the registry is away: the stream
                // thread cannot decode it, Kafka Streams pauses and the instance is unready, but alive
                Schema probe = SchemaBuilder.record("Probe").fields().requiredInt("n").endRecord();
                int id = new HttpSchemaRegistryClient(registryUrl).register("elsewhere.probe-value", probe);
                // the Confluent wire format: magic byte, schema id, then the Avro int 42 (zig-zag: 84)
                byte[] unseenSchema = ByteBuffer.allocate(6).put((byte) 0).putInt(id).put((byte) 84).array();
                registry.close();
                registry = null;
                produce(kafka.bootstrapServers(), unseenSchema);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> get(port, "/health/ready").statusCode() == 503);
                assertThat(Json.mapper().readTree(get(port, "/health/ready").body()).path("reason").asText())
                        .contains("schema registry");
                assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);

                // the registry is back: the record is read again (and dead-lettered: not an event), and the instance is
                // ready once the replacement stream thread runs
                registry = EmbeddedSchemaRegistry.start("127.0.0.1", registryPort, journal);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> get(port, "/health/ready").statusCode() == 200);
                assertThat(service.stopped()).isFalse();

                // Kafka Streams stops without the instance being closed: no longer live, and not ready
                service.streams().close(Duration.ofSeconds(30));
                HttpResponse<String> dead = get(port, "/health/live");
                assertThat(dead.statusCode()).isEqualTo(503);
                assertThat(Json.mapper().readTree(dead.body()).path("streams").asText())
                        .isEqualTo(KafkaStreams.State.NOT_RUNNING.name());
                assertThat(get(port, "/health/ready").statusCode()).isEqualTo(503);
                assertThat(service.stopped()).isTrue();
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    private void produce(String bootstrapServers, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.raw(), "1", value));
            producer.flush();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
