package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.QuotaState;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet counts of each partition this instance holds, counted over every device and quota at
 * most once per {@code maxAge}: a summary asked for many times a second costs a look-up per
 * partition, not a scan of the fleet. Each count carries the time it was taken, so an answer says
 * how old its oldest part is.
 *
 * <p>A remembered count never answers for a partition this instance no longer holds: the stores are
 * asked for first, so a partition that moved or is restoring is refused as a fresh count would be.
 */
final class PartitionCounts {

    /** How old a partition's count may be before it is counted again: the staleness bound of the summary. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    private record Counted(FleetSummary summary, Instant at) {
    }

    private final LocalStores stores;
    private final Clock clock;
    private final Duration maxAge;
    /** By partition and kind of copy read: a count from a standby copy never answers for the active one. */
    private final Map<PartitionRead, Counted> counted = new ConcurrentHashMap<>();

    PartitionCounts(LocalStores stores, Clock clock, Duration maxAge) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /** The counts of one partition, at most {@code maxAge} old; not to be changed by the caller. */
    FleetSummary of(PartitionRead read) {
        ReadOnlyKeyValueStore<String, DeviceState> devices = stores.devices(read);
        ReadOnlyKeyValueStore<String, QuotaState> quotas = stores.quotas(read);
        // Kafka Streams checks that the partition is still here when a store is used, not when it is handed out
        devices.approximateNumEntries();
        quotas.approximateNumEntries();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Counted last = counted.get(read);
        if (last != null && !now.isAfter(last.at().plus(maxAge))) {
            return last.summary();
        }
        FleetSummary summary = new FleetSummary();
        try (KeyValueIterator<String, DeviceState> it = devices.all()) {
            it.forEachRemaining(entry -> summary.countDevice(entry.value));
        }
        try (KeyValueIterator<String, QuotaState> it = quotas.all()) {
            it.forEachRemaining(entry -> summary.countQuota(entry.value));
        }
        summary.countPartition();
        summary.asOf(now);
        counted.put(read, new Counted(summary, now));
        return summary;
    }
}
