package io.fleetstream.app.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events too large for Kafka, over HTTP into ingest on a real broker: one larger than the producer's
 * {@code max.request.size} (refused by the producer), one within it but larger than the raw topic's
 * {@code max.message.bytes} (refused by the broker). Both are dead-lettered, the rest of the batch is accepted.
 */
class OversizedEventEndToEndTest {

    private static final int TOPIC_MAX_MESSAGE_BYTES = 200_000;

    @TempDir
    Path dataDir;

    @Test
    void eventsTooLargeForKafkaAreDeadLetteredAndTheRestOfTheBatchIsAccepted() throws Exception {
        Topics topics = Topics.withDefaultPrefix();
        byte[] beyondProducer = event(4_001L, 20 * 1024 * 1024);
        byte[] beyondTopic = event(4_002L, 400_000);
        byte[] body = array(Examples.bytes("004-1-update-location-docs.json"), beyondProducer, beyondTopic,
                Examples.bytes("006-3-create-pdp-accepted-docs.json"));

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal())) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.createTopics(List.of(
                        new NewTopic(topics.raw(), 1, (short) 1).configs(Map.of("max.message.bytes", String.valueOf(TOPIC_MAX_MESSAGE_BYTES))),
                        new NewTopic(topics.deadLetters(), 1, (short) 1))).all().get();
            }
            IngestService.Settings settings = new IngestService.Settings(kafka.bootstrapServers(), Map.of(), registry.url(), null,
                    true, topics, WebhookConfig.defaults().withHost("127.0.0.1").withPort(0));
            HttpResponse<String> response;
            try (IngestService ingest = IngestService.start(settings, new SimpleMeterRegistry())) {
                response = WebhookPoster.post(ingest.port(), body);
            }

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(response.body())).isEqualTo(Json.mapper().readTree("{\"accepted\": 2, \"dead_lettered\": 2}"));
            TopicReader reader = new TopicReader(kafka.bootstrapServers(), registry.url());
            assertThat(reader.values(topics.raw(), EmnifyEvent.class)).extracting(EmnifyEvent::getId)
                    .containsExactly(176777623L, 31877325941L);
            List<DeadLetter> deadLetters = reader.values(topics.deadLetters(), DeadLetter.class);
            assertThat(deadLetters).hasSize(2);
            assertDeadLettered(deadLetters.get(0), 4_001L, beyondProducer, "max.request.size");
            assertDeadLettered(deadLetters.get(1), 4_002L, beyondTopic, "RecordTooLargeException");
        }
    }

    private static void assertDeadLettered(DeadLetter deadLetter, long id, byte[] original, String cause) throws Exception {
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original));
        assertThat(deadLetter.getStage()).isEqualTo("ingest.webhook");
        assertThat(deadLetter.getSource()).isEqualTo("STREAMER");
        assertThat(deadLetter.getKey()).isEqualTo("733023");
        assertThat(deadLetter.getReason()).startsWith("event " + id + " is too large for Kafka: its value for emnify.events.raw is ")
                .contains(cause, "the original is " + original.length + " bytes with SHA-256 " + sha256);
        assertThat(deadLetter.getOriginalSize()).isEqualTo(original.length);
        assertThat(deadLetter.getOriginalSha256()).isEqualTo(sha256);
        ByteBuffer kept = deadLetter.getOriginal();
        byte[] bytes = new byte[kept.remaining()];
        kept.duplicate().get(bytes);
        assertThat(bytes).isEqualTo(Arrays.copyOf(original, 64 * 1024));
    }

    /** The Update location example with another id and a description of {@code descriptionLength} characters. */
    private static byte[] event(long id, int descriptionLength) throws Exception {
        ObjectNode json = (ObjectNode) Examples.json("004-1-update-location-docs.json").deepCopy();
        json.put("id", id).put("description", "d".repeat(descriptionLength));
        return Json.mapper().writeValueAsBytes(json);
    }

    private static byte[] array(byte[]... elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < elements.length; i++) {
            out.writeBytes((i == 0 ? "" : ",").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(elements[i]);
        }
        out.writeBytes("]".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
