package io.fleetstream.topology.availability;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** Reads devices' presence timelines from one partition of {@value AvailabilityProcessor#STORE} into reports. */
public final class PresenceTimelines {

    private PresenceTimelines() {
    }

    /**
     * One device's availability over {@code [fromMillis, untilMillis)}: one reverse seek for the state at
     * {@code fromMillis}, one range read for the changes in the range.
     *
     * @return empty when the store holds no change of the device at all
     */
    public static Optional<AvailabilityReport> device(ReadOnlyKeyValueStore<Bytes, byte[]> store, long endpointId,
                                                      long fromMillis, long untilMillis) {
        Optional<PresenceTransition> before = Optional.empty();
        try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(TransitionKeys.first(endpointId),
                TransitionKeys.key(endpointId, fromMillis - 1))) {
            if (it.hasNext()) {
                List<PresenceTransition> last = decode(it.next());
                before = Optional.of(last.get(last.size() - 1));
            }
        }
        List<PresenceTransition> within = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TransitionKeys.key(endpointId, fromMillis),
                TransitionKeys.key(endpointId, untilMillis - 1))) {
            while (it.hasNext()) {
                within.addAll(decode(it.next()));
            }
        }
        if (before.isEmpty() && within.isEmpty() && !hasAny(store, endpointId)) {
            return Optional.empty();
        }
        return Optional.of(AvailabilityReport.of(before, within, fromMillis, untilMillis));
    }

    /**
     * Every device of the partition with its availability over {@code [fromMillis, untilMillis)}, in one pass over the
     * store in key order (device by device, each in time order).
     */
    public static void forEachDevice(ReadOnlyKeyValueStore<Bytes, byte[]> store, long fromMillis, long untilMillis,
                                     BiConsumer<Long, AvailabilityReport> report) {
        long device = 0;
        boolean any = false;
        PresenceTransition before = null;
        List<PresenceTransition> within = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                byte[] key = entry.key.get();
                long id = TransitionKeys.endpointId(key);
                if (!any || id != device) {
                    if (any) {
                        report.accept(device, AvailabilityReport.of(Optional.ofNullable(before), within, fromMillis, untilMillis));
                    }
                    any = true;
                    device = id;
                    before = null;
                    within = new ArrayList<>();
                }
                long at = TransitionKeys.atMillis(key);
                if (at >= untilMillis) {
                    continue;
                }
                List<PresenceTransition> changes = TransitionCodec.decode(at, entry.value);
                if (at < fromMillis) {
                    before = changes.get(changes.size() - 1);
                } else {
                    within.addAll(changes);
                }
            }
        }
        if (any) {
            report.accept(device, AvailabilityReport.of(Optional.ofNullable(before), within, fromMillis, untilMillis));
        }
    }

    private static boolean hasAny(ReadOnlyKeyValueStore<Bytes, byte[]> store, long endpointId) {
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TransitionKeys.first(endpointId), TransitionKeys.last(endpointId))) {
            return it.hasNext();
        }
    }

    private static List<PresenceTransition> decode(KeyValue<Bytes, byte[]> entry) {
        return TransitionCodec.decode(TransitionKeys.atMillis(entry.key.get()), entry.value);
    }
}
