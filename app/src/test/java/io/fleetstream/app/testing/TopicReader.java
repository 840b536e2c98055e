package io.fleetstream.app.testing;

import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain Kafka consumer, as any downstream application would use, reading a whole topic from the
 * beginning to its current end (committed transactions only, unless asked otherwise) and decoding values through
 * the registry.
 */
public final class TopicReader {

    /** One record as a consumer sees it. */
    public record Read<V>(String key, V value, byte[] rawValue, long timestamp, int partition, long offset) {
    }

    private final String bootstrapServers;
    private final AvroSerdes serdes;
    private final String isolationLevel;

    public TopicReader(String bootstrapServers, String registryUrl) {
        this(bootstrapServers, registryUrl, "read_committed");
    }

    /** A reader with another isolation level: {@code read_uncommitted} also sees aborted transactions' records. */
    public TopicReader(String bootstrapServers, String registryUrl, String isolationLevel) {
        this.bootstrapServers = bootstrapServers;
        this.serdes = new AvroSerdes(new HttpSchemaRegistryClient(registryUrl), false);
        this.isolationLevel = isolationLevel;
    }

    public <V extends SpecificRecord> List<Read<V>> readAll(String topic, Class<V> type) {
        Deserializer<V> values = serdes.forValue(type).deserializer();
        List<Read<V>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (!reachedEnd(consumer, end) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    V value = r.value() == null ? null : values.deserialize(topic, r.headers(), r.value());
                    out.add(new Read<>(r.key(), value, r.value(), r.timestamp(), r.partition(), r.offset()));
                }
            }
        }
        return out;
    }

    public <V extends SpecificRecord> List<V> values(String topic, Class<V> type) {
        return readAll(topic, type).stream().map(Read::value).toList();
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
