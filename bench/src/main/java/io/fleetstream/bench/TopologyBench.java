package io.fleetstream.bench;

import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The whole topology (decode, dedupe, category routing, device state, quotas, history) as it runs:
 * Kafka Streams on a real broker (in this JVM), reading a raw topic filled beforehand with
 * simulated traffic, timed until its consumer group has committed the end of the raw topic.
 */
final class TopologyBench {

    private static final int PARTITIONS = 2;

    static void run(BenchReport report, int count, Path workDir, String guarantee) throws Exception {
        report.section("topology on a real broker (" + guarantee + ", " + PARTITIONS + " partitions, 1 stream thread)");
        List<EmnifyEvent> events = ReaderBench.read(ReaderBench.bodies(10_000, count));
        Topics topics = Topics.withDefaultPrefix();
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka-" + guarantee), 0)) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                new TopicProvisioner(admin).ensure(topics.all(), PARTITIONS, (short) 1);
            }
            Serializer<EmnifyEvent> serializer = serdes.forValue(EmnifyEvent.class).serializer();
            long start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 20,
                    ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
                for (EmnifyEvent event : events) {
                    producer.send(new ProducerRecord<>(topics.raw(), EventKeys.keyOf(event),
                            serializer.serialize(topics.raw(), event)));
                }
                producer.flush();
            }
            report.rate("raw topic filled (producer, acks=all)", events.size(), System.nanoTime() - start);

            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleetstream-bench");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(StreamsConfig.STATE_DIR_CONFIG, workDir.resolve("streams-" + guarantee).toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
            try (KafkaStreams streams = new KafkaStreams(FleetTopology.build(TopologyConfig.defaults(topics), serdes), props);
                 Admin admin = Admin.create(kafka.clientProperties())) {
                start = System.nanoTime();
                streams.start();
                Map<TopicPartition, Long> end = endOffsets(admin, topics.raw());
                while (!caughtUp(admin, "fleetstream-bench", end)) {
                    Thread.sleep(100);
                }
                long nanos = System.nanoTime() - start;
                report.rate("events through the whole topology (incl. start)", events.size(), nanos);
                streams.close(Duration.ofSeconds(30));
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    private static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
