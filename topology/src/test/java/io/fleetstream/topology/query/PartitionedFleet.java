package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.availability.AvailabilityProcessor;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.history.EventHistoryProcessor;
import io.fleetstream.topology.history.EventHistoryReader;
import io.fleetstream.topology.incident.IncidentTopology;
import io.fleetstream.topology.quota.QuotaForecastProcessor;
import io.fleetstream.topology.quota.QuotaManagementProcessor;
import io.fleetstream.topology.quota.QuotaStateProcessor;
import io.fleetstream.topology.usage.OperatorUsageProcessor;
import io.fleetstream.topology.usage.SessionUsageProcessor;
import io.fleetstream.topology.usage.UsageTotalsProcessor;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The real topology split over partitions the way Kafka splits it: one {@link TopologyTestDriver}
 * per partition, each fed the events whose key the default partitioner puts there. Its stores are
 * what the query server reads through the {@link LocalStores} of a test instance.
 */
final class PartitionedFleet implements AutoCloseable {

    final Topics topics = Topics.withDefaultPrefix();
    /** Events are sent in order: no reorder buffer, so each device's state is there as soon as its event is. */
    private final TopologyConfig inOrder = TopologyConfig.defaults(topics)
            .withDeviceTimers(DeviceTimers.defaults().withLateness(Duration.ZERO));
    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final List<TopologyFixture> partitions = new ArrayList<>();
    private final List<EmnifyEvent> sent = new ArrayList<>();

    PartitionedFleet(int count, Path stateDir, Instant wallClock) {
        for (int p = 0; p < count; p++) {
            Path dir = stateDir.resolve("partition-" + p);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partitions.add(new TopologyFixture(inOrder, dir, wallClock, registry));
        }
    }

    int count() {
        return partitions.size();
    }

    /** The partition Kafka's default partitioner gives a string key. */
    int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions.size();
    }

    /** A usage record to the raw usage topic's partition of its key (ingest keys both raw topics alike). */
    void send(UsageRecord usage) {
        String key = EventKeys.keyOf(usage);
        TopologyFixture partition = partitions.get(partitionOf(key));
        partition.driver.createInputTopic(topics.usageRaw(), Serdes.String().serializer(),
                partition.serdes.forValue(UsageRecord.class).serializer()).pipeInput(key, usage, usage.getReceivedAt());
    }

    void send(EmnifyEvent event) {
        partitions.get(partitionOf(EventKeys.keyOf(event))).send(event);
        sent.add(event);
    }

    List<EmnifyEvent> sent() {
        return List.copyOf(sent);
    }

    EventHistoryReader historyReader() {
        return new EventHistoryReader(new AvroSerdes(registry, false).forValue(EmnifyEvent.class).deserializer(), topics.raw());
    }

    /**
     * The fleet's stores as an instance sees them: {@code check} throws {@link NotQueryableException} for a
     * partition the instance cannot read right now.
     */
    LocalStores stores(Consumer<PartitionRead> check) {
        return stores(check, check);
    }

    /**
     * As {@link #stores(Consumer)}, the usage stores checked with {@code usageCheck}: they are fed in a subtopology of
     * their own, whose partitions Kafka Streams assigns apart from the events'.
     */
    LocalStores stores(Consumer<PartitionRead> check, Consumer<PartitionRead> usageCheck) {
        return new LocalStores() {
            @Override
            public ReadOnlyKeyValueStore<String, DeviceState> devices(PartitionRead read) {
                check.accept(read);
                return PartitionedFleet.this.devices(read.partition());
            }

            @Override
            public ReadOnlyKeyValueStore<String, QuotaState> quotas(PartitionRead read) {
                check.accept(read);
                return PartitionedFleet.this.quotas(read.partition());
            }

            @Override
            public ReadOnlyKeyValueStore<String, QuotaManagementState> quotaManagement(PartitionRead read) {
                check.accept(read);
                return PartitionedFleet.this.quotaManagement(read.partition());
            }

            @Override
            public ReadOnlyKeyValueStore<Bytes, byte[]> history(PartitionRead read) {
                check.accept(read);
                return PartitionedFleet.this.history(read.partition());
            }

            @Override
            public ReadOnlyKeyValueStore<Bytes, byte[]> availability(PartitionRead read) {
                check.accept(read);
                return PartitionedFleet.this.availability(read.partition());
            }

            @Override
            public ReadOnlyWindowStore<Long, byte[]> usage(PartitionRead read) {
                usageCheck.accept(read);
                return partitions.get(read.partition()).driver.getWindowStore(UsageTotalsProcessor.STORE);
            }

            @Override
            public ReadOnlyKeyValueStore<String, FleetIncident> incidents(PartitionRead read) {
                // each driver feeds fleet.presence-by-network back to itself: its incidents are of its own devices
                check.accept(read);
                return partitions.get(read.partition()).driver.getKeyValueStore(IncidentTopology.STORE);
            }

            @Override
            public ReadOnlyWindowStore<Bytes, byte[]> sessionUsage(PartitionRead read) {
                usageCheck.accept(read);
                return partitions.get(read.partition()).driver.getWindowStore(SessionUsageProcessor.STORE);
            }

            @Override
            public ReadOnlyWindowStore<String, byte[]> operatorUsage(PartitionRead read) {
                usageCheck.accept(read);
                return partitions.get(read.partition()).driver.getWindowStore(OperatorUsageProcessor.STORE);
            }

            @Override
            public ReadOnlyKeyValueStore<String, byte[]> forecasts(PartitionRead read) {
                check.accept(read);
                return partitions.get(read.partition()).driver.getKeyValueStore(QuotaForecastProcessor.STORE);
            }
        };
    }

    KeyValueStore<String, DeviceState> devices(int partition) {
        return partitions.get(partition).driver.getKeyValueStore(DeviceStateProcessor.STATE_STORE);
    }

    KeyValueStore<String, QuotaState> quotas(int partition) {
        return partitions.get(partition).driver.getKeyValueStore(QuotaStateProcessor.STATE_STORE);
    }

    KeyValueStore<String, QuotaManagementState> quotaManagement(int partition) {
        return partitions.get(partition).driver.getKeyValueStore(QuotaManagementProcessor.MANAGEMENT_STORE);
    }

    KeyValueStore<Bytes, byte[]> history(int partition) {
        return partitions.get(partition).driver.getKeyValueStore(EventHistoryProcessor.HISTORY_STORE);
    }

    KeyValueStore<Bytes, byte[]> availability(int partition) {
        return partitions.get(partition).driver.getKeyValueStore(AvailabilityProcessor.STORE);
    }

    @Override
    public void close() {
        partitions.forEach(TopologyFixture::close);
    }
}
