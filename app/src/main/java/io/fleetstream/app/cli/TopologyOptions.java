package io.fleetstream.app.cli;

import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.IncidentRules;
import io.fleetstream.topology.QuotaForecasting;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.query.QueryAccess;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/** What shapes the topology and how Kafka Streams runs it. */
public final class TopologyOptions extends ApplicationOptions {

    /** Standbys of the {@code topology} role unless {@code --num-standby-replicas} says otherwise. */
    public static final int DEFAULT_STANDBY_REPLICAS = 1;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2",
            description = "at_least_once or exactly_once_v2 (default: ${DEFAULT-VALUE})")
    public String processingGuarantee;

    @Option(names = "--num-standby-replicas",
            description = "standby copies of each state store on other instances (default: 1; in local mode 0, since "
                    + "its one instance has nowhere to keep a standby)")
    public Integer standbyReplicas;

    @Option(names = "--stream-threads", defaultValue = "1", description = "Kafka Streams threads (default: ${DEFAULT-VALUE})")
    public int streamThreads;

    @Option(names = "--commit-interval", defaultValue = "1s", converter = DurationConverter.class,
            description = "how often progress is committed; with exactly_once_v2 also the output latency (default: ${DEFAULT-VALUE})")
    public Duration commitInterval;

    @Option(names = "--query-port", defaultValue = "8090", description = "port of this instance's query API (default: ${DEFAULT-VALUE})")
    public int queryPort;

    @Option(names = "--query-host", defaultValue = "0.0.0.0", description = "address the query API binds to (default: ${DEFAULT-VALUE})")
    public String queryHost;

    @Option(names = "--query-token", paramLabel = "TOKEN",
            description = "bearer token every query API caller must send (Authorization: Bearer <token>), the same on "
                    + "every instance (they send it to each other); health probes and /metrics stay open. Without it, "
                    + "topology serves anyone who reaches the port and local only its own host. Never logged; prefer "
                    + "FLEETSTREAM_QUERY_TOKEN: a flag shows in the process list")
    public String queryToken;

    @Option(names = "--advertised-host", defaultValue = "localhost",
            description = "host name other instances use to reach this one's query API (default: ${DEFAULT-VALUE})")
    public String advertisedHost;

    @Option(names = "--group-instance-id",
            description = "static group membership id, stable per instance (e.g. the pod name): a stopped instance "
                    + "leaves the group at once, a restarted one rejoins without a rebalance (default: dynamic membership)")
    public String groupInstanceId;

    @Option(names = "--rocksdb-memory", defaultValue = "128MiB", converter = ByteSizeConverter.class,
            description = "off-heap memory (block cache and memtables) all RocksDB stores of this instance share; "
                    + "the JVM's RSS is about heap + this + some 100 MiB (default: ${DEFAULT-VALUE})")
    public long rocksDbMemory;

    @Option(names = "--dedupe-retention", defaultValue = "7d", converter = DurationConverter.class,
            description = "how long an event id is remembered for deduplication (default: ${DEFAULT-VALUE})")
    public Duration dedupeRetention;

    @Option(names = "--offline-window", defaultValue = "5m", converter = DurationConverter.class,
            description = "a device is offline when no session starts this long after its last one ended (default: ${DEFAULT-VALUE})")
    public Duration offlineWindow;

    @Option(names = "--event-lateness", defaultValue = "30s", converter = DurationConverter.class,
            description = "how long (in arrival time) after events of its source that happened later an event may arrive "
                    + "and still be applied to device state in event-time order; device state and presence wait this "
                    + "much (default: ${DEFAULT-VALUE})")
    public Duration eventLateness;

    @Option(names = "--offline-wall-clock-allowance", defaultValue = "2m", converter = DurationConverter.class,
            description = "a partition with no record for this long is idle, and its event-time clock follows the wall "
                    + "clock minus this much, so its due offlines still fire (default: ${DEFAULT-VALUE})")
    public Duration offlineWallClockAllowance;

    @Option(names = "--source-idle-timeout", defaultValue = "2m", converter = DurationConverter.class,
            description = "an ingest source (webhook, poller) that delivered nothing on a partition for this long, in "
                    + "ingest time, stops holding that partition's event-time clock back; keep it above the poll "
                    + "interval (default: ${DEFAULT-VALUE})")
    public Duration sourceIdleTimeout;

    @Option(names = "--history-retention", defaultValue = "90d", converter = DurationConverter.class,
            description = "how long events stay in the queryable per-device and per-organisation history, counted from their own time (default: ${DEFAULT-VALUE})")
    public Duration historyRetention;

    @Option(names = "--incident-min-devices", defaultValue = "20",
            description = "a carrier incident opens when at least this many devices of one operator (or country) go "
                    + "offline within --incident-window (default: ${DEFAULT-VALUE})")
    public int incidentMinDevices;

    @Option(names = "--incident-min-share", defaultValue = "0.10",
            description = "... and they are at least this share (0-1] of its devices online just before, so a big "
                    + "operator's everyday churn opens nothing (default: ${DEFAULT-VALUE})")
    public double incidentMinShare;

    @Option(names = "--incident-window", defaultValue = "5m", converter = DurationConverter.class,
            description = "the window of event time in which those devices went offline (default: ${DEFAULT-VALUE})")
    public Duration incidentWindow;

    @Option(names = "--incident-resolve-share", defaultValue = "0.8",
            description = "an incident resolves once this share (0-1] of its affected devices is back online "
                    + "(default: ${DEFAULT-VALUE})")
    public double incidentResolveShare;

    @Option(names = "--quota-alert-horizon", defaultValue = "24h", converter = DurationConverter.class,
            description = "a record goes to <prefix>quota.alerts, once per quota assignment, when a data quota's projected "
                    + "exhaustion is at most this far after its latest usage record (default: ${DEFAULT-VALUE})")
    public Duration quotaAlertHorizon;

    @Option(names = "--quota-burn-window", defaultValue = "6h", converter = DurationConverter.class,
            description = "a data quota's burn rate is the data used in this trailing window of usage records over the "
                    + "time they cover; at least 30m (default: ${DEFAULT-VALUE})")
    public Duration quotaBurnWindow;

    @Option(names = "--ready-max-restore-records", defaultValue = "10000",
            description = "the instance is ready (/health/ready 200) only while at most this many changelog records are "
                    + "left to restore into its stores; Kafka Streams must also be RUNNING, or REBALANCING after it has "
                    + "been RUNNING (default: ${DEFAULT-VALUE})")
    public long readyMaxRestoreRecords;

    /**
     * The topology role's settings from these options: the one mapping from flags and environment to how Kafka
     * Streams and the query API run, for {@code topology} and {@code local} alike.
     *
     * @param defaultStateDir        where state lives without {@code --state-dir}
     * @param defaultGroupInstanceId static membership without {@code --group-instance-id} (null: dynamic)
     * @param replicationFactor      of Kafka Streams' internal topics: the cluster's, 1 on the embedded broker
     */
    public TopologyService.InstanceSettings instanceSettings(Topics topics, Path defaultStateDir,
                                                             String defaultGroupInstanceId, int replicationFactor) {
        return instanceSettings(topics, defaultStateDir, defaultGroupInstanceId, replicationFactor, DEFAULT_STANDBY_REPLICAS);
    }

    /** As above, with the role's own default for {@code --num-standby-replicas}. */
    public TopologyService.InstanceSettings instanceSettings(Topics topics, Path defaultStateDir, String defaultGroupInstanceId,
                                                             int replicationFactor, int defaultStandbyReplicas) {
        int standbys = standbyReplicas == null ? defaultStandbyReplicas : standbyReplicas;
        String membership = groupInstanceId == null || groupInstanceId.isBlank() ? defaultGroupInstanceId : groupInstanceId;
        return new TopologyService.InstanceSettings(applicationId, stateDirOr(defaultStateDir),
                processingGuarantee, standbys, streamThreads, replicationFactor, commitInterval, queryHost,
                queryPort, advertisedHost, membership, topologyConfig(topics), rocksDbMemory, queryAccess(),
                readyMaxRestoreRecords);
    }

    /** The query token, if given; a blank one counts as none. */
    QueryAccess queryAccess() {
        return naming("--query-token: ", () -> QueryAccess.ofNullable(queryToken));
    }

    /** What shapes the topology; with no option given, {@link TopologyConfig#defaults}. */
    TopologyConfig topologyConfig(Topics topics) {
        return new TopologyConfig(topics, dedupeRetention, new DeviceTimers(offlineWindow, eventLateness, offlineWallClockAllowance,
                        sourceIdleTimeout, DeviceTimers.DEFAULT_PUNCTUATION_INTERVAL),
                new HistoryRetention(historyRetention, HistoryRetention.DEFAULT_PURGE_INTERVAL), incidentRules(), quotaForecasting());
    }

    private IncidentRules incidentRules() {
        // the rules' messages start with the rule's name
        return naming("--incident-", () -> new IncidentRules(incidentMinDevices, incidentMinShare, incidentWindow,
                incidentResolveShare));
    }

    private QuotaForecasting quotaForecasting() {
        return naming("--quota-alert-horizon / --quota-burn-window: ",
                () -> new QuotaForecasting(quotaAlertHorizon, quotaBurnWindow));
    }

    /**
     * Settings built from flags, a refusal prefixed with the flags' names: the settings' own messages name the
     * setting, not the flag that gave it, and a user can only change the flag.
     */
    private static <T> T naming(String flags, Supplier<T> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flags + e.getMessage(), e);
        }
    }
}
