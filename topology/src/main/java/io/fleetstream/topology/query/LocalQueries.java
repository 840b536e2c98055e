package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.schemas.emnify.EmnifyEventWriter;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.availability.AvailabilityReport;
import io.fleetstream.topology.availability.PresenceTimelines;
import io.fleetstream.topology.history.EventFilter;
import io.fleetstream.topology.history.EventHistoryReader;
import io.fleetstream.topology.history.HistoryOrder;
import io.fleetstream.topology.history.HistoryPage;
import io.fleetstream.topology.history.HistoryScope;
import io.fleetstream.topology.history.StoredEvent;
import io.fleetstream.topology.quota.QuotaBurn;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import io.fleetstream.topology.usage.OperatorDay;
import io.fleetstream.topology.usage.SessionLedger;
import io.fleetstream.topology.usage.SessionUsage;
import io.fleetstream.topology.usage.UsageBucket;
import org.apache.kafka.streams.kstream.Windowed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Answers from the partitions this instance holds; no routing, no HTTP. The query server decides
 * which partitions to read here and gathers the rest from other instances.
 */
final class LocalQueries {

    private final LocalStores stores;
    private final EventHistoryReader history;
    private final PartitionCounts counts;
    private final EmnifyEventWriter writer = new EmnifyEventWriter();

    LocalQueries(LocalStores stores, EventHistoryReader history, PartitionCounts counts) {
        this.stores = stores;
        this.history = history;
        this.counts = counts;
    }

    DeviceState device(String key, PartitionRead read) {
        return stores.devices(read).get(key);
    }

    QuotaState quota(String key, PartitionRead read) {
        return stores.quotas(read).get(key);
    }

    /** A device's data quota burn and forecast; null when its data quota is not being forecast. */
    QuotaBurn forecast(String key, PartitionRead read) {
        byte[] stored = stores.forecasts(read).get(key);
        return stored == null ? null : QuotaBurn.decode(stored);
    }

    QuotaManagementState quotaManagement(String key, PartitionRead read) {
        return stores.quotaManagement(read).get(key);
    }

    /** One page of a scope held by one partition (a device's history); a page past the end is the last page. */
    EventSlice page(HistoryScope scope, EventQuery query, PartitionRead read) {
        ReadOnlyKeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store = stores.history(read);
        HistoryPage page = history.read(store, scope, query.filter(), query.order(), query.offset(), query.perPage());
        Paging served = Paging.served(query.page(), page.total(), query.perPage());
        if (served.page() != query.page()) {
            page = history.read(store, scope, query.filter(), query.order(), served.offset(), query.perPage());
        }
        return slice(page);
    }

    /** The first {@code n} events of a scope spread over partitions (an organisation), and how many match in all. */
    EventSlice first(HistoryScope scope, EventFilter filter, HistoryOrder order, long n, List<PartitionRead> reads) {
        int limit = (int) Math.min(n, Integer.MAX_VALUE);
        List<EventSlice> parts = new ArrayList<>(reads.size());
        for (PartitionRead read : reads) {
            parts.add(slice(history.read(stores.history(read), scope, filter, order, 0, limit)));
        }
        return EventSlice.merge(parts, order, n);
    }

    DevicePage devices(DeviceQuery query, List<PartitionRead> reads) {
        List<DevicePage> parts = new ArrayList<>(reads.size());
        for (PartitionRead read : reads) {
            List<DevicePage.Listed> found = new ArrayList<>();
            boolean more = false;
            try (KeyValueIterator<String, DeviceState> it = stores.devices(read).range(query.after(), null)) {
                while (it.hasNext()) {
                    KeyValue<String, DeviceState> entry = it.next();
                    if (entry.key.equals(query.after()) || !query.matches(entry.value)) {
                        continue;
                    }
                    if (found.size() == query.limit()) {
                        more = true;
                        break;
                    }
                    found.add(new DevicePage.Listed(entry.key, JsonItems.text(DeviceStateJson.of(entry.value))));
                }
            }
            parts.add(new DevicePage(found, more));
        }
        return DevicePage.merge(parts, query.limit());
    }

    /** The counts of the given partitions, each at most {@link PartitionCounts#MAX_AGE} old. */
    FleetSummary summary(List<PartitionRead> reads) {
        FleetSummary summary = new FleetSummary();
        for (PartitionRead read : reads) {
            summary.add(counts.of(read));
        }
        return summary;
    }

    /** A device's availability over the query's range; empty when no presence change of it is kept. */
    Optional<AvailabilityReport> availability(long endpointId, AvailabilityQuery query, PartitionRead read) {
        return PresenceTimelines.device(stores.availability(read), endpointId, query.from().toEpochMilli(),
                query.until().toEpochMilli());
    }

    /**
     * The availability of every device of the given partitions with a kept presence change, grouped as the query
     * says by what each device's state (in the same partition) knows of it.
     */
    FleetAvailability fleetAvailability(AvailabilityQuery query, List<PartitionRead> reads) {
        FleetAvailability fleet = new FleetAvailability(query.by().orElseThrow());
        for (PartitionRead read : reads) {
            ReadOnlyKeyValueStore<String, DeviceState> devices = stores.devices(read);
            PresenceTimelines.forEachDevice(stores.availability(read), query.from().toEpochMilli(),
                    query.until().toEpochMilli(), (id, report) -> fleet.add(devices.get(EventKeys.ofEndpoint(id)), report));
            fleet.countPartition();
        }
        return fleet;
    }

    /**
     * A device's usage over the query's range: its hourly buckets summed into buckets of the query's granularity,
     * keyed by their start; empty when it used nothing in the range (or nothing is known of it).
     */
    SortedMap<Long, UsageBucket> usage(long endpointId, UsageQuery query, PartitionRead read) {
        SortedMap<Long, UsageBucket> buckets = new TreeMap<>();
        // the window store's bounds are inclusive: the last hour starting before until
        try (WindowStoreIterator<byte[]> hours = stores.usage(read).fetch(endpointId, query.from(),
                query.until().minusMillis(1))) {
            while (hours.hasNext()) {
                KeyValue<Long, byte[]> hour = hours.next();
                buckets.computeIfAbsent(query.granularity().floor(hour.key), start -> new UsageBucket())
                        .addAll(UsageBucket.decode(hour.value));
            }
        }
        return buckets;
    }

    /** The incidents of the given partitions that match the query, in no particular order. */
    List<FleetIncident> incidents(IncidentQuery query, List<PartitionRead> reads) {
        List<FleetIncident> found = new ArrayList<>();
        for (PartitionRead read : reads) {
            // few incidents are kept (one per outage), so every one is read
            try (KeyValueIterator<String, FleetIncident> it = stores.incidents(read).all()) {
                while (it.hasNext()) {
                    FleetIncident incident = it.next().value;
                    if (query.matches(incident)) {
                        found.add(incident);
                    }
                }
            }
        }
        return found;
    }

    /** The usage of one session of a device; empty when no usage record of it is kept. */
    Optional<SessionUsage> session(long endpointId, String sessionId, PartitionRead read) {
        return SessionLedger.session(stores.sessionUsage(read), endpointId, sessionId);
    }

    /** A device's sessions whose usage records meet the range, by start. */
    List<SessionUsage> sessions(long endpointId, AvailabilityQuery range, PartitionRead read) {
        return SessionLedger.sessions(stores.sessionUsage(read), endpointId, range.from(), range.until());
    }

    /** The usage per operator and day of the given partitions, over the query's days. */
    FleetUsage fleetUsage(FleetUsageQuery query, List<PartitionRead> reads) {
        FleetUsage fleet = new FleetUsage();
        for (PartitionRead read : reads) {
            // the window store's bounds are inclusive: the last day starting before until
            try (KeyValueIterator<Windowed<String>, byte[]> days = stores.operatorUsage(read).fetchAll(query.from(),
                    query.until().minusMillis(1))) {
                while (days.hasNext()) {
                    KeyValue<Windowed<String>, byte[]> day = days.next();
                    fleet.add(day.key.window().start(), day.key.key(), OperatorDay.decode(day.value));
                }
            }
        }
        return fleet;
    }

    private EventSlice slice(HistoryPage page) {
        List<EventSlice.Listed> events = new ArrayList<>(page.events().size());
        for (StoredEvent e : page.events()) {
            events.add(new EventSlice.Listed(e.timeMillis(), e.eventId(), JsonItems.text(writer.write(e.event()))));
        }
        return new EventSlice(page.total(), events);
    }
}
