package io.fleetstream.app.bench;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.StreamsTuning;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The whole topology against its ceiling, on the same data in the same run: a raw topic on a real broker (in this
 * JVM) filled beforehand with simulated traffic, read once by a pass-through Kafka Streams app (bytes in, bytes out,
 * the same partitions and settings) and once by fleetstream's topology. Each is timed from its consumer group's first
 * commit to the commit of the raw topic's end, so start-up, assignment and restoration are left out of both alike;
 * the events counted are those committed in that span.
 */
final class TopologyBench {

    static final String PASS_THROUGH_TOPIC = "bench.pass-through";

    /** The serdes every benchmark topology is built with: schemas registered in memory, ids in the wire format. */
    static AvroSerdes serdes() {
        return new AvroSerdes(new InMemorySchemaRegistry(), true);
    }

    /** How many events and devices, on how many partitions, with which guarantees. */
    record Sizes(long events, int devices, int partitions, int ceilingPasses, List<String> guarantees, Duration commitInterval,
                 int streamThreads) {
    }

    private TopologyBench() {
    }

    static void run(BenchReport report, Sizes sizes, Path workDir, String bootstrapServers) throws Exception {
        report.section(String.format("topology vs pass-through ceiling (%,d events, %,d devices, %d partitions, %d stream "
                + "thread(s) on both, commit interval %d ms)", sizes.events(), sizes.devices(), sizes.partitions(),
                sizes.streamThreads(), sizes.commitInterval().toMillis()));
        AvroSerdes serdes = serdes();
        try (BenchKafka kafka = BenchKafka.start(bootstrapServers, workDir.resolve("kafka-topology"));
             Admin admin = Admin.create(kafka.clientProperties())) {
            Topics topics = kafka.topics();
            kafka.createTopics(topics, sizes.partitions());
            String passThroughTopic = kafka.name(PASS_THROUGH_TOPIC);
            admin.createTopics(List.of(new NewTopic(passThroughTopic, sizes.partitions(), (short) 1))).all().get(30, TimeUnit.SECONDS);

            long start = System.nanoTime();
            RawTopicLoader.Loaded loaded = RawTopicLoader.load(kafka.bootstrapServers(), topics.raw(),
                    serdes.forValue(EmnifyEvent.class).serializer(), sizes.devices(), sizes.events());
            report.rate("raw topic filled (one producer)", loaded.events(), System.nanoTime() - start);
            report.value("average raw record", String.format("%,d bytes", loaded.bytes() / Math.max(1, loaded.events())));
            Map<TopicPartition, Long> end = endOffsets(admin, topics.raw(), sizes.partitions());

            Map<String, Object> figures = new LinkedHashMap<>();
            for (String guarantee : sizes.guarantees()) {
                double ceiling = 0;
                for (int pass = 1; pass <= sizes.ceilingPasses(); pass++) {
                    Timing t = time(kafka, admin, workDir, kafka.name("bench-ceiling-" + guarantee + "-" + pass), guarantee,
                            sizes.commitInterval(), () -> passThrough(topics.raw(), passThroughTopic), 1, sizes.streamThreads(), end);
                    report.rate("pass-through, " + guarantee + ", pass " + pass, t.events(), t.nanos());
                    ceiling = Math.max(ceiling, t.rate());
                }
                String applicationId = kafka.name("bench-topology-" + guarantee);
                Map<String, Long> before = recordsWritten(admin, applicationId, topics);
                Timing full = time(kafka, admin, workDir, applicationId, guarantee, sizes.commitInterval(),
                        () -> FleetTopology.build(TopologyConfig.defaults(topics), serdes, new SimpleMeterRegistry()), 1,
                        sizes.streamThreads(), end);
                report.rate("fleetstream topology, " + guarantee, full.events(), full.nanos());
                long total = 0;
                for (Map.Entry<String, Long> topic : recordsWritten(admin, applicationId, topics).entrySet()) {
                    long records = topic.getValue() - before.getOrDefault(topic.getKey(), 0L);
                    total += records;
                    report.value("  written to " + topic.getKey(),
                            String.format("%,d (%.2f per event)", records, records / (double) loaded.events()));
                }
                report.value("  written in all", String.format("%,d (%.2f per event)", total, total / (double) loaded.events()));
                double ratio = full.rate() / ceiling;
                report.value("ratio to the best pass-through, " + guarantee, String.format("%.3f", ratio));
                figures.put(guarantee, Map.of("ceiling_events_per_s", Math.round(ceiling),
                        "topology_events_per_s", Math.round(full.rate()), "ratio", Math.round(ratio * 1000) / 1000.0));
            }
            report.json("topology", Map.of("events", loaded.events(), "devices", sizes.devices(),
                    "partitions", sizes.partitions(), "raw_bytes", loaded.bytes(),
                    "commit_interval_ms", sizes.commitInterval().toMillis(), "stream_threads", sizes.streamThreads(),
                    "guarantees", figures));
        }
    }

    /** The ceiling: every raw record's bytes to one output topic, nothing decoded. */
    static Topology passThrough(String rawTopic, String outputTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(rawTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(outputTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    record Timing(long events, long nanos) {
        double rate() {
            return events / (nanos / 1e9);
        }
    }

    /**
     * Runs {@code instances} instances of {@code topology} ({@code threads} stream threads each, state directories of
     * their own) as one application until it has committed {@code end}; timed from the group's first commit to that one.
     */
    static Timing time(BenchKafka kafka, Admin admin, Path workDir, String applicationId, String guarantee,
                       Duration commitInterval, Supplier<Topology> topology, int instances, int threads,
                       Map<TopicPartition, Long> end) throws Exception {
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        List<KafkaStreams> running = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                Properties props = new Properties();
                props.putAll(StreamsTuning.properties());
                props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
                props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                props.put(StreamsConfig.STATE_DIR_CONFIG, workDir.resolve("streams-" + i).toString());
                props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
                props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
                props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
                props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0);
                props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
                running.add(new KafkaStreams(topology.get(), props));
            }
            long startedAt = System.nanoTime();
            running.forEach(KafkaStreams::start);
            long firstAt = -1;
            long committedAtFirst = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (System.nanoTime() < deadline) {
                long committed = committed(admin, applicationId, end);
                long now = System.nanoTime();
                if (firstAt < 0 && committed > 0) {
                    firstAt = now;
                    committedAtFirst = committed;
                }
                if (committed >= total) {
                    // all of it went in one commit (a tiny run): only the whole span, start included, is left to time
                    return committedAtFirst < total ? new Timing(total - committedAtFirst, now - firstAt)
                            : new Timing(total, now - startedAt);
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException(applicationId + " did not commit the end of the raw topic within 30 minutes");
        } finally {
            running.parallelStream().forEach(streams -> streams.close(Duration.ofSeconds(30)));
        }
    }

    /**
     * The end offsets of each topic the topology writes, changelogs included (with exactly-once, commit markers
     * count too): the difference over a run is what its events cost the broker.
     */
    static Map<String, Long> recordsWritten(Admin admin, String applicationId, Topics topics) throws Exception {
        List<String> written = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> isChangelog(t, applicationId) || (t.startsWith(topics.prefix()) && !t.equals(topics.raw())))
                .toList();
        // one request for every partition of every topic, not one per topic
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(written).allTopicNames().get(30, TimeUnit.SECONDS).forEach((topic, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<String, Long> records = new TreeMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> {
            String topic = tp.topic();
            records.merge(isChangelog(topic, applicationId) ? topic.substring(applicationId.length() + 1) : topic,
                    info.offset(), Long::sum);
        });
        records.values().removeIf(n -> n == 0);
        return records;
    }

    private static boolean isChangelog(String topic, String applicationId) {
        return topic.startsWith(applicationId + "-") && topic.endsWith("-changelog");
    }

    static long committed(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            sum += c == null ? 0 : Math.min(c.offset(), e.getValue());
        }
        return sum;
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }
}
