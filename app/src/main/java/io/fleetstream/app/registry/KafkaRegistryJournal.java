package io.fleetstream.app.registry;

import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.schemas.registry.RegistryChange;
import io.fleetstream.schemas.registry.RegistryJournal;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded registry's journal: a compacted, single-partition Kafka topic (one partition keeps
 * the changes in order). Every append waits for the broker's acknowledgement ({@code acks=all}),
 * so a registry answers only once its change is stored. One registry writes a topic at a time;
 * unlike Confluent's, there is no leader election between several.
 */
public final class KafkaRegistryJournal implements RegistryJournal {

    public static final String DEFAULT_TOPIC = "_fleetstream_schemas";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String topic;
    private final TopicPartition partition;
    private final Producer<String, String> producer;
    private final JournalRecords records = new JournalRecords();

    private KafkaRegistryJournal(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "fleetstream-schema-registry",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()),
                new StringSerializer(), new StringSerializer());
    }

    /**
     * Opens the journal on the topic, creating it (compacted, one partition) when it is missing.
     *
     * @throws IllegalStateException when the topic exists but is not compacted or has several partitions
     */
    public static KafkaRegistryJournal open(String bootstrapServers, String topic, short replicationFactor) {
        ensureTopic(bootstrapServers, topic, replicationFactor);
        return new KafkaRegistryJournal(bootstrapServers, topic);
    }

    public String topic() {
        return topic;
    }

    @Override
    public void append(RegistryChange change) {
        JournalRecords.Encoded encoded = records.encode(change);
        try {
            producer.send(new ProducerRecord<>(topic, 0, encoded.key(), encoded.value())).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeFailure("interrupted", e);
        } catch (ExecutionException e) {
            throw storeFailure(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw storeFailure("no acknowledgement within " + TIMEOUT.toSeconds() + " s", e);
        }
    }

    private SchemaRegistryException storeFailure(String reason, Throwable cause) {
        return new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR, "could not store the change in Kafka topic '"
                + topic + "' (" + reason + "); nothing was changed: check that the Kafka broker at " + bootstrapServers + " is up", cause);
    }

    @Override
    public List<RegistryChange> readAll() {
        List<RegistryChange> changes = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "fleetstream-schema-registry-replay",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the schema journal topic '" + topic + "' to its end (offset " + end
                            + ") within " + TIMEOUT.toSeconds() + " s: check the Kafka broker at " + bootstrapServers);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.decode(record.key(), record.value()).ifPresent(changes::add);
                }
            }
        }
        return changes;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private static void ensureTopic(String bootstrapServers, String topic, short replicationFactor) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor)
                                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create the schema journal topic '" + topic + "' at " + bootstrapServers
                            + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            TopicDescription description = TopicProvisioner.describe(admin, List.of(topic)).get(topic);
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("the schema journal topic '" + topic + "' has " + description.partitions().size()
                        + " partitions; it needs exactly one to keep changes in order: use another topic or recreate it with one partition");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            String cleanup = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            // with deletion, old schemas would expire and their ids be handed out again
            if (!cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT) || cleanup.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                throw new IllegalStateException("the schema journal topic '" + topic + "' has cleanup.policy=" + cleanup
                        + "; it must be compact only, or schemas are lost when they expire: set cleanup.policy=compact on it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the schema journal topic '" + topic + "'", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot prepare the schema journal topic '" + topic + "' at " + bootstrapServers
                    + ": " + e.getMessage() + "; check that the Kafka broker is up", e);
        }
    }
}
