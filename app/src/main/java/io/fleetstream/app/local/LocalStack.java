package io.fleetstream.app.local;

import io.fleetstream.app.lifecycle.StartedParts;
import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.registry.KafkaRegistryJournal;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything in one JVM: a real KRaft broker, the embedded Schema Registry, the topology with its
 * query API, and ingest (the webhook, and the emnify REST API poller when configured). The
 * {@code local} command and the end-to-end tests both run this, so the tests exercise exactly what a
 * user starts.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    /** Static membership of the stack's topology instance unless set: a restarted stack rejoins at once. */
    public static final String DEFAULT_GROUP_INSTANCE_ID = "fleetstream-local";

    /**
     * @param dataDir  Kafka logs, the registry's topic and Kafka Streams state live here and survive a restart
     * @param ports    0 for any of them picks a free port (tests)
     * @param poller   the emnify REST API poller, run beside the webhook when present
     * @param topology how Kafka Streams and the query API of this one topology instance run: the same settings as
     *                 the {@code topology} role's, so a second {@code topology} started against the local broker with
     *                 the same application id joins it
     */
    public record Settings(Path dataDir, Ports ports, Topics topics, int partitions, WebhookConfig webhook,
                           Optional<PollerConfig> poller, TopologyService.InstanceSettings topology) {
        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(ports, "ports");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(webhook, "webhook");
            Objects.requireNonNull(poller, "poller");
            Objects.requireNonNull(topology, "topology");
        }

        /**
         * With a topology instance for tests: on loopback at any free port, one thread, no standby, state under
         * {@code <dataDir>/streams}.
         */
        public Settings(Path dataDir, Ports ports, Topics topics, int partitions, TopologyConfig topology,
                        String processingGuarantee, Duration commitInterval, WebhookConfig webhook,
                        Optional<PollerConfig> poller) {
            this(dataDir, ports, topics, partitions, webhook, poller, new TopologyService.InstanceSettings(
                    TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID, dataDir.resolve("streams"),
                    processingGuarantee, 0, 1, 1, commitInterval, "127.0.0.1", 0, "localhost",
                    DEFAULT_GROUP_INSTANCE_ID, topology));
        }

        /** Without the poller. */
        public Settings(Path dataDir, Ports ports, Topics topics, int partitions, TopologyConfig topology,
                        String processingGuarantee, Duration commitInterval, WebhookConfig webhook) {
            this(dataDir, ports, topics, partitions, topology, processingGuarantee, commitInterval, webhook, Optional.empty());
        }
    }

    /** Where each part listens; the query API's port is the topology instance's. */
    public record Ports(int kafka, int registry, int ingest) {
        public static Ports defaults() {
            return new Ports(9092, EmbeddedSchemaRegistry.DEFAULT_PORT, WebhookConfig.DEFAULT_PORT);
        }

        public static Ports any() {
            return new Ports(0, 0, 0);
        }
    }

    private final List<AutoCloseable> started;
    private final String bootstrapServers;
    private final EmbeddedSchemaRegistry registry;
    private final TopologyService topology;
    private final IngestService ingest;
    private final Topics topics;

    private LocalStack(List<AutoCloseable> started, String bootstrapServers, EmbeddedSchemaRegistry registry,
                       TopologyService topology, IngestService ingest, Topics topics) {
        this.started = started;
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        this.topology = topology;
        this.ingest = ingest;
        this.topics = topics;
    }

    /**
     * Starts every part in order, the embedded broker first, and waits until the topology is RUNNING. Ingest has a
     * registry of its own, served on the ingest port's {@code /metrics} (the query port serves the topology's).
     */
    public static LocalStack start(Settings settings) {
        return start(settings, null);
    }

    /** As {@link #start(Settings)}, with ingest's meters in {@code meters} (then the ingest port has no /metrics). */
    public static LocalStack start(Settings settings, MeterRegistry meters) {
        EmbeddedKafka kafka = EmbeddedKafka.start(settings.dataDir(), settings.ports().kafka());
        return startParts(new ArrayList<>(List.of(kafka)), kafka.bootstrapServers(), settings, meters);
    }

    /**
     * The same stack on a Kafka cluster that is already running (plaintext, e.g. a broker in a container): topics,
     * registry, topology and ingest exactly as {@link #start} wires them (ingest with a registry of its own when
     * {@code meters} is null). {@code settings.ports().kafka()} is unused.
     */
    public static LocalStack startOn(String bootstrapServers, Settings settings, MeterRegistry meters) {
        return startParts(new ArrayList<>(), bootstrapServers, settings, meters);
    }

    private static LocalStack startParts(List<AutoCloseable> started, String bootstrapServers, Settings settings,
                                         MeterRegistry meters) {
        try {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                new TopicProvisioner(admin).ensure(settings.topics().all(), settings.partitions(), (short) 1);
            }
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(
                    EmbeddedSchemaRegistry.DEFAULT_HOST, settings.ports().registry(), bootstrapServers,
                    KafkaRegistryJournal.DEFAULT_TOPIC, (short) 1));
            started.add(registry);
            TopologyService topology = TopologyService.start(topologySettings(settings, bootstrapServers,
                    registry.url()));
            started.add(topology);
            IngestService.Settings ingestSettings = new IngestService.Settings(bootstrapServers, Map.of(),
                    registry.url(), null, true, settings.topics(), settings.webhook().withPort(settings.ports().ingest()));
            IngestService.Settings ingestRole = settings.poller()
                    .map(poller -> ingestSettings.withPoller(poller, true)).orElse(ingestSettings);
            IngestService ingest = meters == null ? IngestService.start(ingestRole) : IngestService.start(ingestRole, meters);
            started.add(ingest);
            if (!topology.awaitRunning(Duration.ofMinutes(2))) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within 2 minutes: "
                        + topology.streams().state());
            }
            return new LocalStack(started, bootstrapServers, registry, topology, ingest, settings.topics());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            StartedParts.closeInReverse(started, log);
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException e) {
            StartedParts.closeInReverse(started, log);
            throw e;
        }
    }

    /** What the stack's topology instance runs with, on the embedded broker and registry. */
    public static TopologyService.Settings topologySettings(Settings settings, String bootstrapServers, String registryUrl) {
        // like the webhook: without a credential, local serves only its own host, whatever --query-host it binds
        TopologyService.InstanceSettings instance = settings.topology()
                .withQueryAccess(settings.topology().queryAccess().loopbackOnlyWithoutToken());
        return instance.on(new TopologyService.Connection(bootstrapServers, Map.of(), registryUrl, null, true));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registry.url();
    }

    public int ingestPort() {
        return ingest.port();
    }

    /** Ingest's meters (its webhook, poller, producer), as its port's /metrics serves them. */
    public MeterRegistry ingestMeters() {
        return ingest.meters();
    }

    public int queryPort() {
        return topology.queryPort();
    }

    public Topics topics() {
        return topics;
    }

    public TopologyService topology() {
        return topology;
    }

    @Override
    public void close() {
        StartedParts.closeInReverse(started, log);
    }
}
