package io.fleetstream.topology.availability;

import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.topology.HistoryRetention;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every device's presence timeline: each change the device-state processor emits (the records of the presence
 * topic, in the same task) is stored under {@code (endpoint id, change time)} in {@value #STORE}, a persistent store
 * logged to its changelog, so a restart or a move to another instance restores it like the device state.
 *
 * <p>A change is stored only if it continues the stored timeline: it must go to the other state than the device's
 * last stored change, and not be older than it. The presence topic emits changes per device in non-decreasing event
 * time and always alternating, so this drops only what a replay after a crash (at-least-once) emits a second time.
 *
 * <p>Retention is the history's, against the wall clock: a sweep visits a bounded number of devices per purge interval
 * and deletes the changes older than the retention, except each device's last one before that horizon, which is the
 * device's state at the horizon (a device offline for longer than the retention is still known to be offline).
 */
public final class AvailabilityProcessor implements Processor<String, Object, Void, Void> {

    /** (endpoint id, change time) → the changes in that millisecond ({@link TransitionCodec}). */
    public static final String STORE = "device-availability";
    /** A step of the sweep deletes at most this many entries, so one tick never stalls the task. */
    static final int MAX_PURGE_PER_TICK = 50_000;
    private static final Logger log = LoggerFactory.getLogger(AvailabilityProcessor.class);

    private final HistoryRetention retention;
    private KeyValueStore<Bytes, byte[]> store;
    /** The first key of the next device the sweep visits; null to start from the beginning. */
    private Bytes sweepFrom;

    public AvailabilityProcessor(HistoryRetention retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(STORE);
        context.schedule(retention.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (!(record.value() instanceof PresenceChange change)) {
            return;
        }
        append(change.getEndpointId(), new PresenceTransition(change.getAt().toEpochMilli(),
                change.getTo() == Presence.ONLINE, change.getReason().name(), change.getEventId()));
    }

    private void append(long endpointId, PresenceTransition change) {
        List<PresenceTransition> sameMillisecond = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> last = store.reverseRange(TransitionKeys.first(endpointId),
                TransitionKeys.last(endpointId))) {
            if (last.hasNext()) {
                KeyValue<Bytes, byte[]> entry = last.next();
                long at = TransitionKeys.atMillis(entry.key.get());
                List<PresenceTransition> changes = TransitionCodec.decode(at, entry.value);
                PresenceTransition latest = changes.get(changes.size() - 1);
                if (latest.online() == change.online() || at > change.atMillis()) {
                    log.debug("device {}: presence change {} does not continue the stored timeline (last {}); "
                            + "a replayed change, not stored again", endpointId, change, latest);
                    return;
                }
                if (at == change.atMillis()) {
                    sameMillisecond.addAll(changes);
                }
            }
        }
        sameMillisecond.add(change);
        store.put(TransitionKeys.key(endpointId, change.atMillis()), TransitionCodec.encode(sameMillisecond));
    }

    /** One step of the sweep: the expired changes of up to {@link HistoryRetention#scopesPerPurge()} devices. */
    private void purge(long now) {
        long cutoff = now - retention.retention().toMillis();
        List<Bytes> expired = new ArrayList<>();
        for (int devices = 0; devices < retention.scopesPerPurge() && expired.size() < MAX_PURGE_PER_TICK; devices++) {
            Long device = firstDeviceFrom(sweepFrom);
            if (device == null) {
                sweepFrom = null; // past the last device: the next tick starts over
                break;
            }
            List<Bytes> old = new ArrayList<>();
            boolean more = false;
            try (KeyValueIterator<Bytes, byte[]> it = store.range(TransitionKeys.first(device),
                    TransitionKeys.key(device, cutoff - 1))) {
                while (it.hasNext()) {
                    if (old.size() > MAX_PURGE_PER_TICK - expired.size()) {
                        more = true;
                        break;
                    }
                    old.add(it.next().key);
                }
            }
            if (!more && !old.isEmpty()) {
                // the last change before the horizon is the device's state at it: kept
                old.remove(old.size() - 1);
            }
            expired.addAll(old);
            // a device with more to delete than this tick allows is visited again first next time
            sweepFrom = more ? TransitionKeys.first(device) : TransitionKeys.afterDevice(device);
            if (sweepFrom == null) {
                break;
            }
        }
        expired.forEach(store::delete);
    }

    private Long firstDeviceFrom(Bytes from) {
        try (KeyValueIterator<Bytes, byte[]> next = from == null ? store.all() : store.range(from, null)) {
            return next.hasNext() ? TransitionKeys.endpointId(next.next().key.get()) : null;
        }
    }
}
