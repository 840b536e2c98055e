package io.fleetstream.app.bench;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * The whole topology (decode, dedupe, category routing, device state, quotas) on realistic
 * simulated traffic, in a TopologyTestDriver with RocksDB stores: the per-event cost of processing,
 * Avro and state, without broker and network.
 */
final class TopologyBench {

    static Properties driverProperties(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleetstream-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    /** Reads and discards everything the driver captured, so the benchmark's memory stays flat. */
    static long drain(TopologyTestDriver driver) {
        long n = 0;
        for (String topic : driver.producedTopicNames()) {
            n += driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).getQueueSize();
            driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
        }
        return n;
    }

    static void run(BenchReport report, int count, Path workDir) {
        report.section("topology: decode, dedupe, route, device state, quotas (TopologyTestDriver, RocksDB)");
        List<EmnifyEvent> events = ReaderBench.read(ReaderBench.bodies(10_000, count));
        Topics topics = Topics.withDefaultPrefix();
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        Serializer<EmnifyEvent> serializer = serdes.forValue(EmnifyEvent.class).serializer();
        byte[][] values = new byte[events.size()][];
        String[] keys = new String[events.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = serializer.serialize(topics.raw(), events.get(i));
            keys[i] = EventKeys.keyOf(events.get(i));
        }
        report.value("input", String.format("%,d simulated events for 10,000 devices, Avro wire format", values.length));

        try (TopologyTestDriver driver = new TopologyTestDriver(FleetTopology.build(TopologyConfig.defaults(topics), serdes),
                driverProperties(workDir.resolve("topology")), Instant.parse("2026-01-01T00:00:00Z"))) {
            TestInputTopic<String, byte[]> raw = driver.createInputTopic(topics.raw(), Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            int warmup = Math.min(values.length / 10, 20_000);
            for (int i = 0; i < warmup; i++) {
                raw.pipeInput(keys[i], values[i]);
            }
            drain(driver);
            long outputs = 0;
            long start = System.nanoTime();
            for (int i = warmup; i < values.length; i++) {
                raw.pipeInput(keys[i], values[i]);
                if (i % 10_000 == 0) {
                    outputs += drain(driver);
                }
            }
            outputs += drain(driver);
            long nanos = System.nanoTime() - start;
            report.rate("events through the whole topology", values.length - warmup, nanos);
            report.value("records written (topics and changelogs)", String.format("%,d", outputs));
        }
    }
}
