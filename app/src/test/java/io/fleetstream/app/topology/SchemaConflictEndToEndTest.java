package io.fleetstream.app.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.app.testing.RawEvents;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.testing.CapturedLogs;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.CompatibilityLevel;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subject the topology writes holds a schema that fleetstream's is incompatible with (409 from a real registry
 * over HTTP): the instance stays up and unready and says why, logs the conflict once, and once the subject is fixed
 * starts by itself and processes what arrived meanwhile.
 */
class SchemaConflictEndToEndTest {

    private static final String SECRET = "s3cr3t-registry-pw";
    /** Same full name as fleetstream's DeviceState, but none of its fields: fleetstream's cannot read it (BACKWARD). */
    private static final Schema OLD_DEVICE_STATE = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"DeviceState\","
            + "\"namespace\":\"io.fleetstream.avro\",\"fields\":[{\"name\":\"legacy_id\",\"type\":\"string\"}]}");

    private final Topics topics = Topics.withDefaultPrefix();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anIncompatibleOutputSubjectKeepsTheInstanceUnreadyUntilItIsFixedThenEverythingIsProcessed(@TempDir Path dir)
            throws Exception {
        String subject = topics.deviceState() + "-value";
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal());
             CapturedLogs logs = CapturedLogs.start()) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                new TopicProvisioner(admin).ensure(topics.all(), 2, (short) 1);
            }
            HttpSchemaRegistryClient admin = new HttpSchemaRegistryClient(registry.url());
            admin.register(subject, OLD_DEVICE_STATE);
            EmnifyEvent created = produceCreatePdp(kafka.bootstrapServers(), registry.url());

            TopologyService.Settings settings = new TopologyService.Settings(kafka.bootstrapServers(), Map.of(),
                    registry.url(), "fleet:" + SECRET, true, "fleetstream-schema-conflict", dir.resolve("streams"),
                    "at_least_once", 0, 1, 1, Duration.ofMillis(100), "127.0.0.1", 0, "127.0.0.1", null,
                    // one event: with no lateness allowed it is applied as soon as it is read, not after the idle allowance
                    TopologyConfig.defaults(topics).withDeviceTimers(
                            DeviceTimers.defaults().withLateness(Duration.ZERO)));
            try (TopologyService service = TopologyService.start(settings)) {
                URI ready = URI.create("http://127.0.0.1:" + service.queryPort() + "/health/ready");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    HttpResponse<String> answer = get(ready);
                    assertThat(answer.statusCode()).isEqualTo(503);
                    assertThat(Json.mapper().readTree(answer.body()).path("reason").asText())
                            .contains(subject).contains("incompatible");
                });
                // several retries go by: still up, still unready, the conflict logged once
                Thread.sleep(3_000);
                assertThat(service.stopped()).isFalse();
                assertThat(get(ready).statusCode()).isEqualTo(503);
                assertThat(logs.lines()).filteredOn(line -> line.contains(subject) && line.contains("PUT /config/" + subject))
                        .hasSize(1);

                admin.setCompatibility(subject, CompatibilityLevel.NONE);

                await().atMost(Duration.ofSeconds(60)).until(() -> get(ready).statusCode() == 200);
                JsonNode readiness = Json.mapper().readTree(get(ready).body());
                assertThat(readiness.has("reason")).isFalse();
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), registry.url());
                String key = EventKeys.keyOf(created);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(reader.readAll(topics.deviceState(), DeviceState.class))
                                .anySatisfy(r -> {
                                    assertThat(r.key()).isEqualTo(key);
                                    assertThat(r.value().getLastEventId()).isEqualTo(created.getId());
                                }));
                assertThat(service.stopped()).isFalse();
            }
            assertThat(logs.lines()).noneMatch(line -> line.contains(SECRET));
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The raw event is on its topic before the topology starts: it must not be lost or skipped while it waits. */
    private EmnifyEvent produceCreatePdp(String bootstrapServers, String registryUrl) {
        EmnifyEvent event = RawEvents.example("006-3-create-pdp-accepted-docs.json");
        RawEvents.produce(bootstrapServers, registryUrl, topics.raw(), List.of(event));
        return event;
    }
}
