package io.fleetstream.app.registry;

import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.registry.CompatibilityLevel;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.RegisteredSchema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded registry journalled to a real broker: what it registered survives a restart. */
class KafkaRegistryJournalTest {

    private static final Schema SIM = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Sim\",\"namespace\":\"test\",\"fields\":[{\"name\":\"iccid\",\"type\":\"string\"}]}");

    @TempDir
    Path dataDir;

    @Test
    void idsAndVersionsSurviveARestartOfTheRegistry() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
            EmbeddedSchemaRegistry.Config config = EmbeddedSchemaRegistry.Config.defaults(kafka.bootstrapServers()).withPort(0);
            int eventId;
            int letterId;
            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(config)) {
                HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
                eventId = client.register("emnify.events.raw-value", EmnifyEvent.getClassSchema());
                letterId = client.register("emnify.events.dlq-value", DeadLetter.getClassSchema());
                client.register("emnify.events.generic-value", EmnifyEvent.getClassSchema());
                client.setCompatibility("emnify.events.dlq-value", CompatibilityLevel.FULL);
            }

            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(config)) {
                HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
                assertThat(client.subjects()).containsExactly("emnify.events.dlq-value", "emnify.events.generic-value", "emnify.events.raw-value");
                assertThat(client.latest("emnify.events.raw-value"))
                        .isEqualTo(new RegisteredSchema("emnify.events.raw-value", 1, eventId, EmnifyEvent.getClassSchema()));
                assertThat(client.latest("emnify.events.generic-value").id()).isEqualTo(eventId);
                assertThat(client.schemaById(letterId)).isEqualTo(DeadLetter.getClassSchema());
                assertThat(client.compatibility("emnify.events.dlq-value")).isEqualTo(CompatibilityLevel.FULL);
                assertThat(client.register("emnify.events.raw-value", EmnifyEvent.getClassSchema())).isEqualTo(eventId);
                assertThat(client.register("sims-value", SIM)).isEqualTo(Math.max(eventId, letterId) + 1);
            }

            try (Admin admin = Admin.create(kafka.clientProperties())) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, KafkaRegistryJournal.DEFAULT_TOPIC);
                Config topicConfig = admin.describeConfigs(List.of(topic)).all().get().get(topic);
                assertThat(topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
                assertThat(admin.describeTopics(List.of(KafkaRegistryJournal.DEFAULT_TOPIC)).allTopicNames().get()
                        .get(KafkaRegistryJournal.DEFAULT_TOPIC).partitions()).hasSize(1);

                admin.createTopics(List.of(new NewTopic("schemas-with-retention", 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)))).all().get();
            }
            assertThatThrownBy(() -> KafkaRegistryJournal.open(kafka.bootstrapServers(), "schemas-with-retention", (short) 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cleanup.policy=delete")
                    .hasMessageContaining("set cleanup.policy=compact");
        }
    }
}
