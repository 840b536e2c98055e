package io.fleetstream.topology.testing;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The real topology in a {@link TopologyTestDriver}, with an in-memory registry and a state
 * directory the test chooses (so a second fixture on the same directory is a restart).
 */
public final class TopologyFixture implements AutoCloseable {

    public final Topics topics = Topics.withDefaultPrefix();
    public final TopologyTestDriver driver;
    public final AvroSerdes serdes;
    public final TestInputTopic<String, EmnifyEvent> raw;
    public final TestInputTopic<String, byte[]> rawBytes;
    public final TestOutputTopic<String, DeadLetter> deadLetters;
    public final TestOutputTopic<String, DeviceState> deviceStates;
    public final TestOutputTopic<String, PresenceChange> presence;
    public final TestOutputTopic<String, QuotaState> quotaStates;
    public final TestOutputTopic<String, QuotaManagementState> quotaManagement;
    /** Where the topology's own meters are (its dead-letter counter). */
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    public TopologyFixture(TopologyConfig config, Path stateDir, Instant wallClock) {
        this(config, stateDir, wallClock, new InMemorySchemaRegistry());
    }

    public TopologyFixture(TopologyConfig config, Path stateDir, Instant wallClock, SchemaRegistry registry) {
        this.serdes = new AvroSerdes(registry, true);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleetstream-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.driver = new TopologyTestDriver(FleetTopology.build(config, serdes, meters), props, wallClock);
        this.raw = driver.createInputTopic(topics.raw(), Serdes.String().serializer(),
                serdes.forValue(EmnifyEvent.class).serializer());
        this.rawBytes = driver.createInputTopic(topics.raw(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        this.deadLetters = driver.createOutputTopic(topics.deadLetters(), Serdes.String().deserializer(),
                serdes.forValue(DeadLetter.class).deserializer());
        this.deviceStates = driver.createOutputTopic(topics.deviceState(), Serdes.String().deserializer(),
                serdes.forValue(DeviceState.class).deserializer());
        this.presence = driver.createOutputTopic(topics.devicePresence(), Serdes.String().deserializer(),
                serdes.forValue(PresenceChange.class).deserializer());
        this.quotaStates = driver.createOutputTopic(topics.quotaState(), Serdes.String().deserializer(),
                serdes.forValue(QuotaState.class).deserializer());
        this.quotaManagement = driver.createOutputTopic(topics.quotaManagement(), Serdes.String().deserializer(),
                serdes.forValue(QuotaManagementState.class).deserializer());
    }

    public TestOutputTopic<String, EmnifyEvent> topic(String name) {
        return driver.createOutputTopic(name, Serdes.String().deserializer(), serdes.forValue(EmnifyEvent.class).deserializer());
    }

    /** Pipes an event keyed as ingest keys it, stamped with its ingest time like the raw topic's records. */
    public void send(EmnifyEvent event) {
        String key = event.getEndpoint() != null ? Long.toString(event.getEndpoint().getId())
                : "org-" + event.getOrganisation().getId();
        raw.pipeInput(key, event, event.getIngest().getReceivedAt());
    }

    /**
     * Copies a driver's state directory, as it is after its last commit: TopologyTestDriver deletes it on
     * close, while an instance that dies leaves it behind for the next one on the same directory.
     */
    public static void copyStateDirectory(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().equals("LOCK")) {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
