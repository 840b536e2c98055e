package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.history.EventHistoryProcessor;
import io.fleetstream.topology.quota.QuotaManagementProcessor;
import io.fleetstream.topology.quota.QuotaStateProcessor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The query API's view of a running {@link KafkaStreams}: ownership from its metadata
 * ({@code application.server} of every instance, as of the last rebalance) and this instance's
 * stores, one partition at a time. The only class of the query API that touches Kafka Streams.
 *
 * <p>Every store of the topology is fed from the raw topic in one sub-topology, so a store partition
 * is a raw-topic partition and one assignment covers them all.
 */
public final class StreamsCluster implements Cluster, LocalStores {

    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final Instance self;
    private final String sourceTopic;
    private final Supplier<Optional<String>> waitingFor;

    /**
     * @param self        this instance as configured in {@code application.server}
     * @param sourceTopic the topic the stores are fed from (the raw topic): its partitions are the stores'
     */
    public StreamsCluster(KafkaStreams streams, Instance self, String sourceTopic) {
        this(streams, self, sourceTopic, Optional::empty);
    }

    /** @param waitingFor what keeps Kafka Streams from starting yet, for the readiness answer */
    public StreamsCluster(KafkaStreams streams, Instance self, String sourceTopic, Supplier<Optional<String>> waitingFor) {
        this.streams = streams;
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
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, key, KEYS);
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                || HostInfo.unavailable().equals(metadata.activeHost())) {
            throw new NotQueryableException("no instance owns '" + key + "' in " + store
                    + " right now (the group is rebalancing or starting); retry shortly");
        }
        List<Instance> standbys = metadata.standbyHosts().stream().map(StreamsCluster::instance)
                .sorted(Comparator.comparing(Instance::toString)).toList();
        return new PartitionOwners(metadata.partition(), instance(metadata.activeHost()), standbys);
    }

    @Override
    public List<PartitionOwners> owners() {
        requireQueryable();
        Map<Integer, Instance> actives = new TreeMap<>();
        Map<Integer, List<Instance>> standbys = new TreeMap<>();
        int highest = -1;
        for (StreamsMetadata client : clients()) {
            Instance instance = instance(client.hostInfo());
            for (int partition : partitions(client.topicPartitions())) {
                actives.put(partition, instance);
                highest = Math.max(highest, partition);
            }
            for (int partition : partitions(client.standbyTopicPartitions())) {
                standbys.computeIfAbsent(partition, p -> new ArrayList<>()).add(instance);
                highest = Math.max(highest, partition);
            }
        }
        if (highest < 0) {
            throw new NotQueryableException("no partition of " + sourceTopic + " is assigned yet (the group is starting); retry shortly");
        }
        List<PartitionOwners> owners = new ArrayList<>();
        for (int partition = 0; partition <= highest; partition++) {
            Instance active = actives.get(partition);
            if (active == null) {
                throw new NotQueryableException("partition " + partition + " of " + sourceTopic
                        + " has no active owner right now (the group is rebalancing); retry shortly");
            }
            owners.add(new PartitionOwners(partition, active, standbys.getOrDefault(partition, List.of())));
        }
        return owners;
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

    private <K, V> ReadOnlyKeyValueStore<K, V> store(String name, PartitionRead read) {
        requireQueryable();
        StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> parameters =
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore())
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
