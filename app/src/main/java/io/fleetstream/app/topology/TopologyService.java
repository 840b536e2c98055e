package io.fleetstream.app.topology;

import io.fleetstream.app.net.FreePort;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.http.RoleMeters;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.BoundedRocksDb;
import io.fleetstream.topology.StreamsTuning;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.history.EventHistoryReader;
import io.fleetstream.topology.incident.IncidentTopology;
import io.fleetstream.topology.query.Instance;
import io.fleetstream.topology.query.QueryAccess;
import io.fleetstream.topology.query.QueryServer;
import io.fleetstream.topology.query.StreamsCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The topology role: Kafka Streams running {@link FleetTopology} plus the query API of this
 * instance. Lifecycle only; what the topology does is decided in the topology module.
 *
 * <p>The query API starts first; Kafka Streams starts once the schemas of every topic it writes are
 * resolved ({@link OutputSchemas}), and until then the instance is unready and says why.
 *
 * <p>The query port serves {@code /metrics} (the topology's own meters, see {@code FleetTopology}; Kafka Streams' through
 * Micrometer's {@code KafkaStreamsMetrics}, {@link StreamsMeterFilter}; {@link StreamsMeters}; the query API's requests)
 * and {@code /health/live} and {@code /health/ready} as {@link StreamsHealth} decides.
 */
public final class TopologyService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopologyService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Everything the role needs: where the cluster is, and how this instance runs on it.
     * {@code TopologyOptions} builds it from flags and environment, for {@code topology} and {@code local} alike.
     */
    public record Settings(Connection connection, InstanceSettings instance) {
        public Settings {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(instance, "instance");
        }

        /** Every part spelled out (tests). */
        public Settings(String bootstrapServers, Map<String, String> kafkaProperties, String schemaRegistryUrl,
                        String schemaRegistryUserInfo, boolean autoRegisterSchemas, String applicationId,
                        Path stateDir, String processingGuarantee, int standbyReplicas, int streamThreads,
                        int replicationFactor, Duration commitInterval, String queryHost, int queryPort,
                        String advertisedHost, String groupInstanceId, TopologyConfig topology) {
            this(new Connection(bootstrapServers, kafkaProperties, schemaRegistryUrl, schemaRegistryUserInfo,
                            autoRegisterSchemas),
                    new InstanceSettings(applicationId, stateDir, processingGuarantee, standbyReplicas, streamThreads,
                            replicationFactor, commitInterval, queryHost, queryPort, advertisedHost, groupInstanceId,
                            topology));
        }

        public TopologyConfig topology() {
            return instance.topology();
        }

        @Override
        public String toString() {
            return "Settings[" + connection + ", " + instance + "]";
        }
    }

    /** The cluster and registry the role talks to; the same for Kafka Streams and the query API's admin client. */
    public record Connection(String bootstrapServers, Map<String, String> kafkaProperties, String schemaRegistryUrl,
                             String schemaRegistryUserInfo, boolean autoRegisterSchemas) {
        public Connection {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        @Override
        public String toString() {
            // the registry credentials (an option, or in its URL) and Kafka properties (security settings) are never printed
            return "Connection[bootstrapServers=" + bootstrapServers
                    + ", schemaRegistryUrl=" + HttpSchemaRegistryClient.withoutCredentials(schemaRegistryUrl) + "]";
        }
    }

    /**
     * How this topology instance runs: its Kafka Streams settings, its query API and the topology's configuration.
     *
     * @param replicationFactor of the internal topics (changelogs, repartitions) Kafka Streams creates
     * @param advertisedHost    the host other instances use to reach this one's query API ({@code application.server})
     * @param groupInstanceId   static group membership (null: dynamic); a stable id per instance lets it leave the
     *                          group when it stops and rejoin without a rebalance when it restarts quickly
     * @param queryAccess       who may ask the query API (its token, if any, also goes to the other instances)
     * @param readyMaxRestoreRecords the most changelog records a ready instance may still have to restore
     *                          ({@code --ready-max-restore-records}; see {@link StreamsHealth})
     */
    public record InstanceSettings(String applicationId, Path stateDir, String processingGuarantee,
                                   int standbyReplicas, int streamThreads, int replicationFactor,
                                   Duration commitInterval, String queryHost, int queryPort, String advertisedHost,
                                   String groupInstanceId, TopologyConfig topology, long rocksDbMemoryBytes,
                                   QueryAccess queryAccess, long readyMaxRestoreRecords) {
        public static final String DEFAULT_APPLICATION_ID = "fleetstream";
        /** The default of {@code --ready-max-restore-records}. */
        public static final long DEFAULT_READY_MAX_RESTORE_RECORDS = StreamsHealth.DEFAULT_MAX_RESTORE_RECORDS;

        /** With the default readiness bound on restoring ({@link #DEFAULT_READY_MAX_RESTORE_RECORDS}). */
        public InstanceSettings(String applicationId, Path stateDir, String processingGuarantee, int standbyReplicas,
                                int streamThreads, int replicationFactor, Duration commitInterval, String queryHost,
                                int queryPort, String advertisedHost, String groupInstanceId, TopologyConfig topology,
                                long rocksDbMemoryBytes, QueryAccess queryAccess) {
            this(applicationId, stateDir, processingGuarantee, standbyReplicas, streamThreads, replicationFactor,
                    commitInterval, queryHost, queryPort, advertisedHost, groupInstanceId, topology, rocksDbMemoryBytes,
                    queryAccess, DEFAULT_READY_MAX_RESTORE_RECORDS);
        }

        /** With a query API open to anyone who reaches it ({@link QueryAccess#open()}). */
        public InstanceSettings(String applicationId, Path stateDir, String processingGuarantee, int standbyReplicas,
                                int streamThreads, int replicationFactor, Duration commitInterval, String queryHost,
                                int queryPort, String advertisedHost, String groupInstanceId, TopologyConfig topology,
                                long rocksDbMemoryBytes) {
            this(applicationId, stateDir, processingGuarantee, standbyReplicas, streamThreads, replicationFactor,
                    commitInterval, queryHost, queryPort, advertisedHost, groupInstanceId, topology, rocksDbMemoryBytes,
                    QueryAccess.open());
        }

        /** With the default RocksDB memory budget ({@link BoundedRocksDb#DEFAULT_MEMORY_BYTES}). */
        public InstanceSettings(String applicationId, Path stateDir, String processingGuarantee, int standbyReplicas,
                                int streamThreads, int replicationFactor, Duration commitInterval, String queryHost,
                                int queryPort, String advertisedHost, String groupInstanceId, TopologyConfig topology) {
            this(applicationId, stateDir, processingGuarantee, standbyReplicas, streamThreads, replicationFactor,
                    commitInterval, queryHost, queryPort, advertisedHost, groupInstanceId, topology,
                    BoundedRocksDb.DEFAULT_MEMORY_BYTES);
        }

        public InstanceSettings {
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(processingGuarantee, "processingGuarantee");
            Objects.requireNonNull(commitInterval, "commitInterval");
            Objects.requireNonNull(queryHost, "queryHost");
            Objects.requireNonNull(advertisedHost, "advertisedHost");
            Objects.requireNonNull(topology, "topology");
            Objects.requireNonNull(queryAccess, "queryAccess");
            if (streamThreads < 1) {
                throw new IllegalArgumentException("--stream-threads must be at least 1, got " + streamThreads);
            }
            if (standbyReplicas < 0) {
                throw new IllegalArgumentException("--num-standby-replicas must be 0 or more, got " + standbyReplicas);
            }
            if (rocksDbMemoryBytes < BoundedRocksDb.MIN_MEMORY_BYTES) {
                throw new IllegalArgumentException("--rocksdb-memory must be at least 16MiB, got " + rocksDbMemoryBytes + " bytes");
            }
            if (readyMaxRestoreRecords < 0) {
                throw new IllegalArgumentException("--ready-max-restore-records must be 0 or more, got " + readyMaxRestoreRecords);
            }
        }

        public Settings on(Connection connection) {
            return new Settings(connection, this);
        }

        /** The same instance under another application id and static member id. */
        public InstanceSettings withApplicationId(String newApplicationId, String newGroupInstanceId) {
            return new InstanceSettings(newApplicationId, stateDir, processingGuarantee, standbyReplicas, streamThreads,
                    replicationFactor, commitInterval, queryHost, queryPort, advertisedHost, newGroupInstanceId, topology,
                    rocksDbMemoryBytes, queryAccess, readyMaxRestoreRecords);
        }

        /** The same instance with another policy for its query API. */
        public InstanceSettings withQueryAccess(QueryAccess newQueryAccess) {
            return new InstanceSettings(applicationId, stateDir, processingGuarantee, standbyReplicas, streamThreads,
                    replicationFactor, commitInterval, queryHost, queryPort, advertisedHost, groupInstanceId, topology,
                    rocksDbMemoryBytes, newQueryAccess, readyMaxRestoreRecords);
        }

        /** The same instance with another readiness bound on restoring. */
        public InstanceSettings withReadyMaxRestoreRecords(long records) {
            return new InstanceSettings(applicationId, stateDir, processingGuarantee, standbyReplicas, streamThreads,
                    replicationFactor, commitInterval, queryHost, queryPort, advertisedHost, groupInstanceId, topology,
                    rocksDbMemoryBytes, queryAccess, records);
        }
    }

    private final KafkaStreams streams;
    private final Admin admin;
    private final QueryServer queryServer;
    private final KafkaStreamsMetrics streamsMetrics;
    /** Resolves the written topics' schemas, then starts Kafka Streams. */
    private final Thread starter;
    private final RegistryOutage outage;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final InstanceSettings instance;
    private final StreamsHealth health;
    /** The query port's registry with the JVM and process meters; closed last. */
    private final RoleMeters roleMeters;
    /** Set by the state listener at the first RUNNING. */
    private volatile boolean streamsMetricsBound;

    private TopologyService(InstanceSettings instance, KafkaStreams streams, Admin admin, QueryServer queryServer,
                            KafkaStreamsMetrics streamsMetrics, Thread starter, RegistryOutage outage,
                            StreamsHealth health, RoleMeters roleMeters) {
        this.roleMeters = roleMeters;
        this.instance = instance;
        this.health = health;
        this.outage = outage;
        this.streams = streams;
        this.admin = admin;
        this.queryServer = queryServer;
        this.streamsMetrics = streamsMetrics;
        this.starter = starter;
    }

    public static TopologyService start(Settings settings) {
        Connection connection = settings.connection();
        InstanceSettings instance = settings.instance();
        HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(connection.schemaRegistryUrl(),
                connection.schemaRegistryUserInfo(), HttpSchemaRegistryClient.DEFAULT_REQUEST_TIMEOUT);
        AvroSerdes serdes = new AvroSerdes(registry, connection.autoRegisterSchemas());
        // before Kafka Streams opens the stores: after a crash, exactly-once state on disk is rebuilt, not trusted
        CheckpointGuard.beforeStart(instance.stateDir(), instance.applicationId(), instance.processingGuarantee());
        // application.server must name the real port before Kafka Streams starts: port 0 (tests) picks one now
        int queryPort = instance.queryPort() == 0 ? FreePort.on(instance.queryHost()) : instance.queryPort();
        OutputSchemas outputs = new OutputSchemas(serdes, FleetTopology.writtenValues(
                new TypedTopics(settings.topology().topics(), serdes), instance.applicationId()), OutputSchemas.defaultBackoff());
        // the topology counts its dead letters here; the query API serves them on /metrics
        // before KafkaStreamsMetrics binds: one tag set per state-store metric name
        RoleMeters roleMeters = RoleMeters.create(new StreamsMeterFilter());
        PrometheusMeterRegistry meters = roleMeters.registry();
        KafkaStreams streams = new KafkaStreams(FleetTopology.build(settings.topology(), serdes, meters),
                streamsProperties(settings, queryPort));
        RegistryOutage outage = new RegistryOutage(streams, registry, RegistryOutage.defaultBackoff());
        // Kafka Streams takes its restore listener only before it starts
        RestoreProgress restore = new RestoreProgress();
        streams.setGlobalStateRestoreListener(restore);
        StreamsHealth health = new StreamsHealth(streams::state, restore::remaining, instance.readyMaxRestoreRecords(),
                () -> outputs.waitingFor().or(outage::waitingFor));
        KafkaStreamsMetrics streamsMetrics = null;
        QueryServer query = null;
        Admin admin = null;
        try {
            // bound at the first RUNNING (bindStreamsMetrics), once Kafka Streams has its tasks
            streamsMetrics = new KafkaStreamsMetrics(streams);
            StreamsMeters.bind(streams, restore, meters);
            String rawTopic = settings.topology().topics().raw();
            // the query API learns the raw topic's real partition count from it: Kafka Streams' metadata knows only assigned ones
            admin = Admin.create(adminProperties(connection));
            StreamsCluster cluster = new StreamsCluster(streams, admin, new Instance(instance.advertisedHost(), queryPort),
                    rawTopic, settings.topology().topics().usageRaw(), () -> outputs.waitingFor().or(outage::waitingFor),
                    Map.of(IncidentTopology.STORE, settings.topology().topics().fleetPresenceByNetwork()));
            query = new QueryServer(new QueryServer.Config(instance.queryHost(), queryPort).withAccess(instance.queryAccess())
                    .withRetention(settings.topology().history().retention()),
                    cluster, cluster,
                    new EventHistoryReader(serdes.forValue(EmnifyEvent.class).deserializer(), rawTopic),
                    EventCatalog.standard(), meters, health);
            Thread starter = new Thread(() -> {
                if (outputs.resolve()) {
                    startStreams(streams);
                }
            }, "fleetstream-topology-start");
            starter.setDaemon(true);
            TopologyService service = new TopologyService(instance, streams, admin, query, streamsMetrics, starter, outage,
                    health, roleMeters);
            streams.setUncaughtExceptionHandler(e -> {
                Optional<SchemaRegistryException> registryFailure = RegistryOutage.causeOf(e);
                if (registryFailure.isPresent()) {
                    // not the record's fault, and no reason to stop: wait, unready, for the registry (see RegistryOutage)
                    outage.began(registryFailure.get());
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
                }
                // a processing error that is not a bad record (those are dead-lettered) is a bug or a broken
                // cluster: stop this client so the orchestrator restarts it, rather than spin on the same record
                log.error("Kafka Streams failed; shutting this instance down", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.setStateListener((now, before) -> {
                log.info("Kafka Streams {} -> {}", before, now);
                health.stateChanged(now);
                if (now == KafkaStreams.State.RUNNING && !service.streamsMetricsBound) {
                    service.streamsMetricsBound = true;
                    bindStreamsMetrics(meters, service.streamsMetrics);
                }
                if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                    service.stopped.countDown();
                }
            });
            startQueryApi(query, instance.queryHost(), queryPort);
            // the query API answers /health/ready (503, and why) while the schemas are resolved
            starter.start();
            return service;
        } catch (RuntimeException e) {
            // Kafka Streams' constructor already started clients (admin, producer) and their threads
            closeQuietly(query, streams, streamsMetrics, admin, roleMeters);
            throw e;
        }
    }

    /**
     * Binds Kafka Streams' metrics at its first RUNNING. Micrometer's binder looks for new Kafka metrics when it is bound
     * and then once a minute; the task, processor-node and store metrics exist only once Kafka Streams has its tasks, so
     * bound at construction they would be missing from the scrape for up to a minute after the first RUNNING (and
     * binding twice registers some gauges twice, which Micrometer warns about). Until then the role's own gauges
     * ({@link StreamsMeters}: state, restore progress) tell what it does. Off the stream thread that tells the change.
     */
    private static void bindStreamsMetrics(PrometheusMeterRegistry meters, KafkaStreamsMetrics streamsMetrics) {
        Thread bind = new Thread(() -> {
            try {
                streamsMetrics.bindTo(meters);
            } catch (RuntimeException e) {
                // closed meanwhile: its scheduler refuses the minutely look
                log.debug("Kafka Streams' metrics not bound: {}", e.toString());
            }
        }, "fleetstream-streams-metrics");
        bind.setDaemon(true);
        bind.start();
    }

    private static void startStreams(KafkaStreams streams) {
        try {
            streams.start();
        } catch (IllegalStateException e) {
            // closed while the schemas were being resolved
            log.debug("Kafka Streams not started: {}", e.getMessage());
        }
    }

    private static void startQueryApi(QueryServer query, String host, int port) {
        try {
            query.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the query API cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): another process, or another fleetstream instance, is probably using that port; stop it or "
                    + "choose a free port with --query-port (FLEETSTREAM_QUERY_PORT)", e);
        }
    }

    private static void closeQuietly(QueryServer query, KafkaStreams streams, KafkaStreamsMetrics streamsMetrics,
                                     Admin admin, RoleMeters roleMeters) {
        List<AutoCloseable> parts = new ArrayList<>();
        if (query != null) {
            parts.add(query);
        }
        parts.add(() -> streams.close(CLOSE_TIMEOUT));
        if (streamsMetrics != null) {
            parts.add(streamsMetrics);
        }
        if (admin != null) {
            parts.add(admin);
        }
        parts.add(roleMeters);
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception suppressed) {
                log.warn("could not close {} after a failed start: {}", part.getClass().getSimpleName(), suppressed.toString());
            }
        }
    }

    static Properties streamsProperties(Settings settings, int queryPort) {
        Connection c = settings.connection();
        InstanceSettings s = settings.instance();
        Properties p = new Properties();
        p.putAll(StreamsTuning.properties());
        p.putAll(c.kafkaProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, s.processingGuarantee());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.standbyReplicas());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.streamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, s.replicationFactor());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(BoundedRocksDb.MEMORY_CONFIG, s.rocksDbMemoryBytes());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, s.advertisedHost() + ":" + queryPort);
        if (s.groupInstanceId() != null && !s.groupInstanceId().isBlank()) {
            // Kafka Streams appends the thread index to it
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), s.groupInstanceId());
        }
        return p;
    }

    /** The same connection settings as Kafka Streams (security included), for admin clients. */
    public static Properties adminProperties(Connection c) {
        Properties p = new Properties();
        p.putAll(c.kafkaProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
        return p;
    }

    /** The meters the query port serves on /metrics (Kafka Streams', the topology's, the query API's, the JVM's). */
    public MeterRegistry meters() {
        return queryServer.meters();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public int queryPort() {
        return queryServer.port();
    }

    /** Waits until Kafka Streams is RUNNING (tasks assigned and state restored). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (stopped.await(50, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    /** Whether Kafka Streams has stopped by itself (a fatal error) or was closed. */
    public boolean stopped() {
        return stopped.getCount() == 0;
    }

    @Override
    public void close() {
        health.closing();
        starter.interrupt();
        try {
            starter.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outage.close();
        queryServer.close();
        // a static member leaves the group, so the next instance (or this one restarted) takes the
        // tasks at once instead of after the session timeout; Kafka Streams never leaves for dynamic members
        boolean failedBefore = streams.state() == KafkaStreams.State.ERROR;
        boolean closed = streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(CLOSE_TIMEOUT));
        if (closed && !failedBefore) {
            CheckpointGuard.afterCleanStop(instance.stateDir(), instance.applicationId());
        }
        streamsMetrics.close();
        admin.close(Duration.ofSeconds(5));
        roleMeters.close();
    }
}
