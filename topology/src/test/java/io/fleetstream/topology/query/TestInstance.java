package io.fleetstream.topology.query;

import io.fleetstream.schemas.catalog.EventCatalog;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A query server over a {@link PartitionedFleet}, with an assignment the test sets: which partitions
 * it holds as active and as standby, who owns the others, whether Kafka Streams is running or
 * rebalancing. The routing and gathering run for real, over HTTP, between test instances.
 */
final class TestInstance implements Cluster, AutoCloseable {

    private final PartitionedFleet fleet;
    private final QueryServer server;
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<Integer> active = ConcurrentHashMap.newKeySet();
    private final Set<Integer> standby = ConcurrentHashMap.newKeySet();
    /** The usage subtopology's partitions, when the test assigns them apart from the events' (null: as the events'). */
    private volatile Set<Integer> usageActive;
    private volatile Set<Integer> usageStandby = Set.of();
    private final List<TestInstance> group = new CopyOnWriteArrayList<>();
    private volatile String state = "RUNNING";
    private volatile boolean rebalancing;
    private volatile boolean storesReady = true;
    private volatile String waitingFor;
    /** kept: the assignment still names this instance after its server stopped, as Kafka Streams' metadata does */
    private final int port;

    TestInstance(PartitionedFleet fleet) {
        this(fleet, "127.0.0.1", QueryAccess.open());
    }

    /** Listening on {@code host} (reached by the others as 127.0.0.1), serving callers as {@code access} says. */
    TestInstance(PartitionedFleet fleet, String host, QueryAccess access) {
        this.fleet = fleet;
        this.server = new QueryServer(new QueryServer.Config(host, 0, Duration.ofSeconds(2), access), this,
                fleet.stores(this::requireHeld, this::requireUsageHeld),
                fleet.historyReader(), EventCatalog.standard(), meters);
        server.start();
        port = server.port();
    }

    /** Every partition active here, nothing anywhere else. */
    static TestInstance alone(PartitionedFleet fleet) {
        TestInstance instance = new TestInstance(fleet);
        for (int p = 0; p < fleet.count(); p++) {
            instance.active.add(p);
        }
        instance.group.add(instance);
        return instance;
    }

    /** The instances of one application: each knows the others' assignments. */
    static void group(TestInstance... instances) {
        for (TestInstance i : instances) {
            i.group.clear();
            i.group.addAll(List.of(instances));
        }
    }

    TestInstance holding(Set<Integer> activePartitions, Set<Integer> standbyPartitions) {
        active.clear();
        active.addAll(activePartitions);
        standby.clear();
        standby.addAll(standbyPartitions);
        return this;
    }

    /** The usage subtopology's partitions held here, assigned apart from the events' as Kafka Streams may do. */
    TestInstance holdingUsage(Set<Integer> activePartitions, Set<Integer> standbyPartitions) {
        usageActive = Set.copyOf(activePartitions);
        usageStandby = Set.copyOf(standbyPartitions);
        return this;
    }

    void state(String streamsState) {
        this.state = streamsState;
    }

    /** What Kafka Streams waits for (null: nothing), as the topology role reports a paused or unstarted instance. */
    void waitingFor(String reason) {
        this.waitingFor = reason;
    }

    /** Ownership unknown: what Kafka Streams' metadata says between the revocation and the new assignment. */
    void rebalancing(boolean rebalancing) {
        this.rebalancing = rebalancing;
    }

    /** Stores not queryable while the assignment still names this instance: restoring after a rebalance. */
    void storesReady(boolean ready) {
        this.storesReady = ready;
    }

    int port() {
        return port;
    }

    QueryServer server() {
        return server;
    }

    void stop() {
        server.close();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- Cluster

    @Override
    public Instance self() {
        return new Instance("127.0.0.1", port);
    }

    @Override
    public String state() {
        return state;
    }

    @Override
    public boolean running() {
        return state.equals("RUNNING");
    }

    @Override
    public Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    @Override
    public PartitionOwners ownersOf(String store, String key) {
        return assignment(store).ownersOf(fleet.partitionOf(key));
    }

    @Override
    public List<PartitionOwners> owners() {
        return assignment().owners();
    }

    @Override
    public List<PartitionOwners> owners(String store) {
        return assignment(store).owners();
    }

    /** The assignment of a store's subtopology: the usage stores' own when the test gave one. */
    private PartitionAssignment assignment(String store) {
        if (!StreamsCluster.USAGE_STORES.contains(store) || group.stream().allMatch(i -> i.usageActive == null)) {
            return assignment();
        }
        if (rebalancing) {
            throw new NotQueryableException("the test group is rebalancing");
        }
        return new PartitionAssignment(fleet.topics.usageRaw(), fleet.count(), group.stream()
                .map(i -> new InstanceMembership(i.self(), new TreeSet<>(i.usageActive()), new TreeSet<>(i.usageStandby())))
                .toList());
    }

    private Set<Integer> usageActive() {
        return usageActive == null ? active : usageActive;
    }

    private Set<Integer> usageStandby() {
        return usageActive == null ? standby : usageStandby;
    }

    /** The group's assignment against the fleet's real partition count, as {@link StreamsCluster} sees it. */
    private PartitionAssignment assignment() {
        if (rebalancing) {
            throw new NotQueryableException("the test group is rebalancing");
        }
        return new PartitionAssignment(fleet.topics.raw(), fleet.count(), members());
    }

    @Override
    public List<InstanceMembership> members() {
        return group.stream().map(i -> new InstanceMembership(i.self(), new TreeSet<>(i.active), new TreeSet<>(i.standby)))
                .toList();
    }

    // ---- the stores this instance reads

    private void requireHeld(PartitionRead read) {
        requireHeld(read, active, standby);
    }

    private void requireUsageHeld(PartitionRead read) {
        requireHeld(read, usageActive(), usageStandby());
    }

    private void requireHeld(PartitionRead read, Set<Integer> active, Set<Integer> standby) {
        if (!storesReady) {
            throw new NotQueryableException("the stores of " + self() + " are restoring");
        }
        if (!active.contains(read.partition()) && !(read.staleAllowed() && standby.contains(read.partition()))) {
            throw new NotQueryableException("partition " + read.partition() + " is not held by " + self());
        }
    }
}
