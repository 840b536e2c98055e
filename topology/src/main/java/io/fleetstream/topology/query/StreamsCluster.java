package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.topology.availability.AvailabilityProcessor;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.history.EventHistoryProcessor;
import io.fleetstream.topology.incident.IncidentTopology;
import io.fleetstream.topology.quota.QuotaManagementProcessor;
import io.fleetstream.topology.quota.QuotaStateProcessor;
import io.fleetstream.topology.usage.OperatorUsageProcessor;
import io.fleetstream.topology.usage.SessionUsageProcessor;
import io.fleetstream.topology.quota.QuotaForecastProcessor;
import io.fleetstream.topology.usage.UsageTotalsProcessor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The query API's view of a running {@link KafkaStreams}: ownership from its metadata
 * ({@code application.server} of every instance, as of the last rebalance) checked against every
 * partition of the source topic, and this instance's stores, one partition at a time. The only class
 * of the query API that touches Kafka Streams.
 *
 * <p>Every store but the usage stores is fed from the raw topic in one sub-topology, so a store partition is a
 * raw-topic partition and one assignment covers them all. The usage stores ({@link #USAGE_STORES}) are fed from the
 * raw usage topic in a sub-topology of its own: its tasks are assigned apart from the events', so the owners of a
 * device's usage are asked of Kafka Streams for that store (the same key, the same default partitioner, as ingest
 * writes both topics), and a question about every partition of them follows the raw usage topic's assignment. The carrier incidents ({@value IncidentTopology#STORE}) are fed from a topic of
 * fleetstream's own in a sub-topology of their own too: a fleet-wide read of them goes by that topic's assignment.
 * The quota forecast
 * ({@value QuotaForecastProcessor#STORE}) lives in the usage sub-topology and is looked up the same way.
 */
public final class StreamsCluster implements Cluster, LocalStores {

    private static final Serializer<String> KEYS = Serdes.String().serializer();
    /** The stores of the usage subtopology: assigned with the raw usage topic's partitions. */
    public static final Set<String> USAGE_STORES = Set.of(UsageTotalsProcessor.STORE, SessionUsageProcessor.STORE,
            OperatorUsageProcessor.STORE);

    /** How long a request waits for the source topic's description before answering 503. */
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final Admin admin;
    private final Instance self;
    private final String sourceTopic;
    private final String usageTopic;
    private final Supplier<Optional<String>> waitingFor;
    /**
     * Other stores fed from a topic of their own in a sub-topology of their own, each with that topic: the carrier
     * incidents ({@value IncidentTopology#STORE}) and {@code fleet.presence-by-network}.
     */
    private final Map<String, String> ownSources;
    /** Each source topic's partition count once Kafka described it. */
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

    /**
     * @param admin       describes the source topic: its partition count is the number of partitions
     *                    every fleet-wide answer covers (the caller closes it)
     * @param self        this instance as configured in {@code application.server}
     * @param sourceTopic the topic the stores are fed from (the raw topic): its partitions are the stores'
     * @param usageTopic  the topic the usage stores are fed from (the raw usage topic)
     */
    public StreamsCluster(KafkaStreams streams, Admin admin, Instance self, String sourceTopic, String usageTopic) {
        this(streams, admin, self, sourceTopic, usageTopic, Optional::empty);
    }

    /** @param waitingFor what keeps Kafka Streams from starting yet, for the readiness answer */
    public StreamsCluster(KafkaStreams streams, Admin admin, Instance self, String sourceTopic, String usageTopic,
                          Supplier<Optional<String>> waitingFor) {
        this(streams, admin, self, sourceTopic, usageTopic, waitingFor, Map.of());
    }

    /**
     * @param ownSources other stores read fleet-wide that are fed from a topic of their own (neither raw topic), each
     *                   with that topic: the incidents store and fleet.presence-by-network
     */
    public StreamsCluster(KafkaStreams streams, Admin admin, Instance self, String sourceTopic, String usageTopic,
                          Supplier<Optional<String>> waitingFor, Map<String, String> ownSources) {
        this.ownSources = Map.copyOf(ownSources);
        this.streams = streams;
        this.admin = admin;
        this.self = self;
        this.sourceTopic = sourceTopic;
        this.usageTopic = usageTopic;
        this.waitingFor = waitingFor;
    }

    @Override
    public Optional<String> waitingFor() {
        return waitingFor.get();
    }

    @Override
    public Instance self() {
        return self;
    }

    @Override
    public String state() {
        return streams.state().name();
    }

    @Override
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public PartitionOwners ownersOf(String store, String key) {
        requireQueryable();
        if (USAGE_STORES.contains(store) || QuotaForecastProcessor.STORE.equals(store)) {
            return ownersInOwnSubtopology(store, key);
        }
        return assignment().ownersOf(partitionOf(key));
    }

    private PartitionOwners ownersInOwnSubtopology(String store, String key) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, key, KEYS);
        List<Instance> standbys = metadata.standbyHosts().stream().map(StreamsCluster::instance)
                .sorted(Comparator.comparing(Instance::toString)).toList();
        Optional<Instance> active = metadata.activeHost() == null || metadata.activeHost().equals(HostInfo.unavailable())
                ? Optional.empty() : Optional.of(instance(metadata.activeHost()));
        if (active.isEmpty() && standbys.isEmpty()) {
            throw new NotQueryableException("no instance holds the partition of " + store + " with '" + key
                    + "' right now (the group is rebalancing); retry shortly");
        }
        return new PartitionOwners(metadata.partition(), active, standbys);
    }

    @Override
    public List<PartitionOwners> owners() {
        requireQueryable();
        return assignment().owners();
    }

    @Override
    public List<PartitionOwners> owners(String store) {
        requireQueryable();
        String topic = USAGE_STORES.contains(store) ? usageTopic : ownSources.get(store);
        if (topic != null) {
            return new PartitionAssignment(topic, partitionCount(topic), members(topic)).owners();
        }
        return assignment().owners();
    }

    private PartitionAssignment assignment() {
        return new PartitionAssignment(sourceTopic, partitionCount(sourceTopic), members());
    }

    /**
     * The source topic's partition count, as Kafka describes the topic. Kafka Streams' own metadata
     * cannot give it: it knows a topic's partitions only from the hosts they are assigned to, so a
     * partition no instance holds right now is missing from it. Described once: partitions added to
     * the raw topic later would move keys away from the state kept for them, which Kafka Streams does
     * not support, so a restart is due then anyway.
     */
    private int partitionCount(String topic) {
        Integer known = partitionCounts.get(topic);
        if (known != null) {
            return known;
        }
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            partitionCounts.put(topic, description.partitions().size());
            return description.partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotQueryableException("interrupted while asking Kafka how many partitions " + topic
                    + " has; retry shortly");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new NotQueryableException("cannot learn from Kafka how many partitions " + topic + " has ("
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + "); retry shortly");
        }
    }

    /** The partition of a key: Kafka's default partitioner, which ingest's producer uses for the raw topic. */
    private int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(KEYS.serialize(sourceTopic, key))) % partitionCount(sourceTopic);
    }

    @Override
    public List<InstanceMembership> members() {
        return members(sourceTopic);
    }

    /** Every instance and the partitions of {@code topic} it holds. */
    private List<InstanceMembership> members(String topic) {
        return clients().stream()
                .map(c -> new InstanceMembership(instance(c.hostInfo()), partitions(topic, c.topicPartitions()),
                        partitions(topic, c.standbyTopicPartitions())))
                .sorted(Comparator.comparing(m -> m.instance().toString()))
                .toList();
    }

    @Override
    public ReadOnlyKeyValueStore<String, DeviceState> devices(PartitionRead read) {
        return store(DeviceStateProcessor.STATE_STORE, read);
    }

    @Override
    public ReadOnlyKeyValueStore<String, QuotaState> quotas(PartitionRead read) {
        return store(QuotaStateProcessor.STATE_STORE, read);
    }

    @Override
    public ReadOnlyKeyValueStore<String, QuotaManagementState> quotaManagement(PartitionRead read) {
        return store(QuotaManagementProcessor.MANAGEMENT_STORE, read);
    }

    @Override
    public ReadOnlyKeyValueStore<Bytes, byte[]> history(PartitionRead read) {
        return store(EventHistoryProcessor.HISTORY_STORE, read);
    }

    @Override
    public ReadOnlyKeyValueStore<Bytes, byte[]> availability(PartitionRead read) {
        return store(AvailabilityProcessor.STORE, read);
    }

    @Override
    public ReadOnlyWindowStore<Long, byte[]> usage(PartitionRead read) {
        return store(UsageTotalsProcessor.STORE, QueryableStoreTypes.windowStore(), read);
    }

    @Override
    public ReadOnlyKeyValueStore<String, FleetIncident> incidents(PartitionRead read) {
        return store(IncidentTopology.STORE, read);
    }

    @Override
    public ReadOnlyWindowStore<Bytes, byte[]> sessionUsage(PartitionRead read) {
        return store(SessionUsageProcessor.STORE, QueryableStoreTypes.windowStore(), read);
    }

    @Override
    public ReadOnlyWindowStore<String, byte[]> operatorUsage(PartitionRead read) {
        return store(OperatorUsageProcessor.STORE, QueryableStoreTypes.windowStore(), read);
    }

    @Override
    public ReadOnlyKeyValueStore<String, byte[]> forecasts(PartitionRead read) {
        return store(QuotaForecastProcessor.STORE, read);
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(String name, PartitionRead read) {
        return store(name, QueryableStoreTypes.keyValueStore(), read);
    }

    private <T> T store(String name, QueryableStoreType<T> type, PartitionRead read) {
        requireQueryable();
        StoreQueryParameters<T> parameters = StoreQueryParameters.fromNameAndType(name, type)
                .withPartition(read.partition());
        try {
            return streams.store(read.staleAllowed() ? parameters.enableStaleStores() : parameters);
        } catch (InvalidStateStoreException e) {
            throw new NotQueryableException("partition " + read.partition() + " of " + name + " is not "
                    + (read.staleAllowed() ? "held" : "active and ready") + " on this instance (" + self
                    + "; it moved or is restoring); retry shortly");
        }
    }

    /**
     * Kafka Streams answers queries while RUNNING, and while REBALANCING for the tasks it keeps;
     * in any other state its metadata and stores are not to be trusted.
     */
    private void requireQueryable() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw new NotQueryableException("Kafka Streams on " + self + " is " + state + "; state is not queryable "
                    + (state == KafkaStreams.State.CREATED ? "yet" : "now") + "; retry shortly");
        }
    }

    private Collection<StreamsMetadata> clients() {
        return streams.metadataForAllStreamsClients();
    }

    private static TreeSet<Integer> partitions(String topic, Set<TopicPartition> partitions) {
        TreeSet<Integer> numbers = new TreeSet<>();
        for (TopicPartition p : partitions) {
            if (p.topic().equals(topic)) {
                numbers.add(p.partition());
            }
        }
        return numbers;
    }

    private static Instance instance(HostInfo host) {
        return new Instance(host.host(), host.port());
    }
}
