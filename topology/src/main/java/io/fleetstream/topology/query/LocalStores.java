package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * This instance's copy of one partition of each queryable store. Each method throws
 * {@link NotQueryableException} when this instance does not hold the partition (as active, or as
 * standby when stale reads are allowed) or the store is not ready.
 */
public interface LocalStores {

    ReadOnlyKeyValueStore<String, DeviceState> devices(PartitionRead read);

    ReadOnlyKeyValueStore<String, QuotaState> quotas(PartitionRead read);

    ReadOnlyKeyValueStore<String, QuotaManagementState> quotaManagement(PartitionRead read);

    ReadOnlyKeyValueStore<Bytes, byte[]> history(PartitionRead read);

    /** The presence timelines ({@link io.fleetstream.topology.availability.AvailabilityProcessor#STORE}). */
    ReadOnlyKeyValueStore<Bytes, byte[]> availability(PartitionRead read);

    /** The hourly usage per device ({@link io.fleetstream.topology.usage.UsageTotalsProcessor#STORE}). */
    ReadOnlyWindowStore<Long, byte[]> usage(PartitionRead read);

    /**
     * The carrier incidents ({@link io.fleetstream.topology.incident.IncidentTopology#STORE}); its partitions are those
     * of the topic fleet.presence-by-network, read with {@link Cluster#owners(String)}.
     */
    ReadOnlyKeyValueStore<String, FleetIncident> incidents(PartitionRead read);

    /** The usage per session ({@link io.fleetstream.topology.usage.SessionUsageProcessor#STORE}). */
    ReadOnlyWindowStore<Bytes, byte[]> sessionUsage(PartitionRead read);

    /** This partition's usage per operator and day ({@link io.fleetstream.topology.usage.OperatorUsageProcessor#STORE}). */
    ReadOnlyWindowStore<String, byte[]> operatorUsage(PartitionRead read);

    /** The data quotas' burn and forecast per device ({@link io.fleetstream.topology.quota.QuotaForecastProcessor#STORE}). */
    ReadOnlyKeyValueStore<String, byte[]> forecasts(PartitionRead read);
}
