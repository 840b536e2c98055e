package io.fleetstream.app.bench;

import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.local.LocalStack;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * The Kafka cluster one benchmark runs on: by default a fresh broker of its own (KRaft, in the bench's JVM, data under
 * the benchmark's work directory), or a cluster already running ({@code --bootstrap-servers}, plaintext, one that
 * accepts topics with replication factor 1). On a shared cluster every topic and application id of the run carries a
 * prefix of its own ({@code bench-<start time>-}), so runs never read each other's records; nothing is deleted after.
 */
final class BenchKafka implements AutoCloseable {

    private final EmbeddedKafka embedded;
    private final String bootstrapServers;
    private final String runPrefix;

    private BenchKafka(EmbeddedKafka embedded, String bootstrapServers, String runPrefix) {
        this.embedded = embedded;
        this.bootstrapServers = bootstrapServers;
        this.runPrefix = runPrefix;
    }

    /** The cluster at {@code bootstrapServers}, or a broker of its own under {@code dataDir} when that is null. */
    static BenchKafka start(String bootstrapServers, Path dataDir) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
            return new BenchKafka(kafka, kafka.bootstrapServers(), "");
        }
        return new BenchKafka(null, bootstrapServers, "bench-" + System.currentTimeMillis() + "-");
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Map<String, Object> clientProperties() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** fleetstream's topics for this run: the default names on a broker of its own. */
    Topics topics() {
        return embedded != null ? Topics.withDefaultPrefix() : new Topics(runPrefix + Topics.DEFAULT_PREFIX);
    }

    /** A topic name or application id for this run. */
    String name(String name) {
        return runPrefix + name;
    }

    /** Creates fleetstream's topics (and any more) with {@code partitions} partitions, replication factor 1. */
    void createTopics(Topics topics, int partitions) {
        try (Admin admin = Admin.create(clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), partitions, (short) 1);
        }
    }

    /**
     * The {@code local} stack (registry, topology, ingest) on this cluster, its topology under this run's application
     * id.
     */
    LocalStack stack(LocalStack.Settings settings, MeterRegistry meters) {
        TopologyService.InstanceSettings t = settings.topology();
        TopologyService.InstanceSettings renamed = t.withApplicationId(name(t.applicationId()),
                t.groupInstanceId() == null ? null : name(t.groupInstanceId()));
        return LocalStack.startOn(bootstrapServers, new LocalStack.Settings(settings.dataDir(), settings.ports(),
                settings.topics(), settings.partitions(), settings.webhook(), settings.poller(), renamed), meters);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
