package io.fleetstream.app.bench;

import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same raw topic read by 1, 2 and 4 topology instances of one application (one stream thread each, state of their
 * own, in this JVM): Kafka Streams spreads the partitions over the instances, which is how fleetstream grows past one
 * machine. On one 2-core machine shared with the broker this shows the mechanism (every partition processed once,
 * whatever the number of instances), not the speed-up, which needs cores, or machines, per instance.
 */
final class ScaleOutBench {

    record Sizes(long events, int devices, int partitions, List<Integer> instances, String guarantee, Duration commitInterval) {
    }

    private ScaleOutBench() {
    }

    static void run(BenchReport report, Sizes sizes, Path workDir, String bootstrapServers) throws Exception {
        report.section(String.format("scale-out: instances %s of one application (%,d events, %,d devices, %d partitions, %s)",
                sizes.instances(), sizes.events(), sizes.devices(), sizes.partitions(), sizes.guarantee()));
        AvroSerdes serdes = TopologyBench.serdes();
        try (BenchKafka kafka = BenchKafka.start(bootstrapServers, workDir.resolve("kafka-scale-out"));
             Admin admin = Admin.create(kafka.clientProperties())) {
            Topics topics = kafka.topics();
            kafka.createTopics(topics, sizes.partitions());
            long start = System.nanoTime();
            RawTopicLoader.Loaded loaded = RawTopicLoader.load(kafka.bootstrapServers(), topics.raw(),
                    serdes.forValue(io.fleetstream.avro.EmnifyEvent.class).serializer(), sizes.devices(), sizes.events());
            report.rate("raw topic filled (one producer)", loaded.events(), System.nanoTime() - start);
            Map<TopicPartition, Long> end = TopologyBench.endOffsets(admin, topics.raw(), sizes.partitions());
            Map<String, Object> byInstances = new LinkedHashMap<>();
            double one = 0;
            for (int n : sizes.instances()) {
                if (n > sizes.partitions()) {
                    report.value(n + " instances", "skipped: more instances than the " + sizes.partitions()
                            + " partitions would leave some idle");
                    continue;
                }
                String applicationId = kafka.name("bench-scale-out-" + n);
                TopologyBench.Timing t = TopologyBench.time(kafka, admin, workDir.resolve("scale-out-" + n), applicationId,
                        sizes.guarantee(), sizes.commitInterval(),
                        () -> FleetTopology.build(TopologyConfig.defaults(topics), serdes, new SimpleMeterRegistry()), n,
                        1, end);
                report.rate(n + (n == 1 ? " instance" : " instances"), t.events(), t.nanos());
                if (one == 0) {
                    one = t.rate();
                }
                byInstances.put(Integer.toString(n), Map.of("events_per_s", Math.round(t.rate()),
                        "relative_to_first", Math.round(t.rate() / one * 100) / 100.0));
            }
            report.json("scale-out", Map.of("events", loaded.events(), "devices", sizes.devices(),
                    "partitions", sizes.partitions(), "guarantee", sizes.guarantee(),
                    "cores", Runtime.getRuntime().availableProcessors(), "instances", byInstances));
        }
    }
}
