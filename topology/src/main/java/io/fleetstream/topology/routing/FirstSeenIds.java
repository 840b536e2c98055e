package io.fleetstream.topology.routing;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;
import java.util.Objects;

/**
 * The dedupe mechanism of the topology, for every kind of record with a 64-bit emnify id (events, usage records):
 * ids remembered for a retention measured from when fleetstream first saw them (wall clock), in a segmented (window)
 * store stamped with that time. See {@link EventDeduplicator} for why wall clock and why a window store. Each kind of
 * record has its own store: emnify numbers events and usage records independently.
 */
public final class FirstSeenIds {

    private final WindowStore<Long, Long> seen;
    private final long retentionMillis;

    public FirstSeenIds(WindowStore<Long, Long> seen, Duration retention) {
        this.seen = Objects.requireNonNull(seen, "seen");
        this.retentionMillis = retention.toMillis();
    }

    /** A store of ids kept for {@code retention} after they were first seen. */
    public static StoreBuilder<WindowStore<Long, Long>> store(String name, Duration retention) {
        // a point in time per id, so a 1 ms window; segments of a day at most keep the number of files small
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, retention, Duration.ofMillis(1), false),
                Serdes.Long(), Serdes.Long());
    }

    /** Whether {@code id} is seen for the first time within the retention; if so, it is remembered as seen {@code now}. */
    public boolean firstSighting(long id, long now) {
        // open-ended: an instance whose clock runs behind the one that first saw the id still finds it
        try (WindowStoreIterator<Long> firstSeen = seen.fetch(id, now - retentionMillis, Long.MAX_VALUE)) {
            if (firstSeen.hasNext()) {
                return false;
            }
        }
        seen.put(id, now, now);
        return true;
    }
}
