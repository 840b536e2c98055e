package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.topology.availability.AvailabilityProcessor;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.history.EventHistoryProcessor;
import io.fleetstream.topology.quota.QuotaManagementProcessor;
import io.fleetstream.topology.quota.QuotaStateProcessor;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>Every store but one is fed from the raw topic in one sub-topology, so a store partition is a raw-topic
 * partition and one assignment covers them all. The exception is the usage totals
 * ({@value UsageTotalsProcessor#STORE}), fed from the raw usage topic in a sub-topology of its own: its tasks are
 * assigned apart from the events', so the owners of a device's usage are asked of Kafka Streams for that store
 * (the same key, the same default partitioner, as ingest writes both topics). The quota forecast
 * ({@value QuotaForecastProcessor#STORE}) lives in that same sub-topology and is looked up the same way.
 */
public final class StreamsCluster implements Cluster, LocalStores {

    private static final Serializer<String> KEYS = Serdes.String().serializer();

    /** How long a request waits for the source topic's description before answering 503. */
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final Admin admin;
    private final Instance self;
    private final String sourceTopic;
    private final Supplier<Optional<String>> waitingFor;
    /** The source topic's partition count once Kafka described it; 0 until then. */
    private volatile int partitionCount;

    /**
     * @param admin       describes the source topic: its partition count is the number of partitions
     *                    every fleet-wide answer covers (the caller closes it)
     * @param self        this instance as configured in {@code application.server}
     * @param sourceTopic the topic the stores are fed from (the raw topic): its partitions are the stores'
     */
    public StreamsCluster(KafkaStreams streams, Admin admin, Instance self, String sourceTopic) {
        this(streams, admin, self, sourceTopic, Optional::empty);
    }

    /** @param waitingFor what keeps Kafka Streams from starting yet, for the readiness answer */
    public StreamsCluster(KafkaStreams streams, Admin admin, Instance self, String sourceTopic,
                          Supplier<Optional<String>> waitingFor) {
        this.streams = streams;
        this.admin = admin;
        this.self = self;
        this.sourceTopic = sourceTopic;
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
        if (UsageTotalsProcessor.STORE.equals(store) || QuotaForecastProcessor.STORE.equals(store)) {
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

    private PartitionAssignment assignment() {
        return new PartitionAssignment(sourceTopic, partitionCount(), members());
    }

    /**
     * The source topic's partition count, as Kafka describes the topic. Kafka Streams' own metadata
     * cannot give it: it knows a topic's partitions only from the hosts they are assigned to, so a
     * partition no instance holds right now is missing from it. Described once: partitions added to
     * the raw topic later would move keys away from the state kept for them, which Kafka Streams does
     * not support, so a restart is due then anyway.
     */
    private int partitionCount() {
        int known = partitionCount;
        if (known > 0) {
            return known;
        }
        try {
            TopicDescription description = admin.describeTopics(List.of(sourceTopic)).allTopicNames()
                    .get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(sourceTopic);
            partitionCount = description.partitions().size();
            return partitionCount;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotQueryableException("interrupted while asking Kafka how many partitions " + sourceTopic
                    + " has; retry shortly");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new NotQueryableException("cannot learn from Kafka how many partitions " + sourceTopic + " has ("
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + "); retry shortly");
        }
    }

    /** The partition of a key: Kafka's default partitioner, which ingest's producer uses for the raw topic. */
    private int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(KEYS.serialize(sourceTopic, key))) % partitionCount();
    }

    @Override
    public List<InstanceMembership> members() {
        return clients().stream()
                .map(c -> new InstanceMembership(instance(c.hostInfo()), partitions(c.topicPartitions()),
                        partitions(c.standbyTopicPartitions())))
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

    private TreeSet<Integer> partitions(Set<TopicPartition> partitions) {
        TreeSet<Integer> numbers = new TreeSet<>();
        for (TopicPartition p : partitions) {
            if (p.topic().equals(sourceTopic)) {
                numbers.add(p.partition());
            }
        }
        return numbers;
    }

    private static Instance instance(HostInfo host) {
        return new Instance(host.host(), host.port());
    }
}
