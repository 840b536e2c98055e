package io.fleetstream.topology.incident;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.NetworkKind;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.avro.NetworkPresenceChange;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.device.PresenceProgress;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns each presence change into one record per network group of the device, keyed by the group, for the incident
 * detector (through the topic fleet.presence-by-network: the Processor API re-keys only through a topic).
 *
 * <p>A device counts online in the groups of its location when it came online; {@value #STORE} remembers them, and
 * after its offline the groups it went offline in. Its offline goes to the groups it was counted online in, so every
 * group's online count is exact. A device whose groups changed in between leaves the old ones
 * ({@link NetworkPresenceChange#LEFT}): one that moved while online (no presence change, so this processor does not
 * see the move) leaves when it goes offline, which is not an outage there, and was never online in its new group;
 * one that went offline in a group and comes back in another (roaming away from a failed network) leaves the old one
 * when it comes back, which counts as back online for an incident there. The location is read from the device state
 * store of the same task, which already holds the state that caused the change.
 */
final class IncidentFeed implements Processor<String, Object, String, NetworkPresence> {

    /**
     * endpoint key → {@value #ONLINE} or {@value #OFFLINE}, then the groups the device is counted online in or went
     * offline in, joined by {@link NetworkGroups#SEPARATOR}.
     */
    static final String STORE = "incident-device-groups";
    private static final String ONLINE = "+";
    private static final String OFFLINE = "-";

    private ProcessorContext<String, NetworkPresence> context;
    private KeyValueStore<String, DeviceState> states;
    private KeyValueStore<String, String> counted;

    @Override
    public void init(ProcessorContext<String, NetworkPresence> context) {
        this.context = context;
        this.states = context.getStateStore(DeviceStateProcessor.STATE_STORE);
        this.counted = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof PresenceProgress progress) {
            // to every partition of the topic (ClockBroadcast): each detector task learns how far this task has gone
            NetworkPresence clock = clock(progress);
            context.forward(new Record<>(clock.getGroup(), clock, record.timestamp()));
            return;
        }
        if (!(record.value() instanceof PresenceChange change)) {
            return;
        }
        String key = EventKeys.ofEndpoint(change.getEndpointId());
        DeviceState state = states.get(key);
        String before = counted.get(key);
        boolean wasOnline = before != null && before.startsWith(ONLINE);
        List<String> was = before == null || before.length() <= 1 ? List.of()
                : Arrays.asList(before.substring(1).split("\\" + NetworkGroups.SEPARATOR));
        boolean online = change.getTo() == Presence.ONLINE;
        Map<String, NetworkPresence> now = new LinkedHashMap<>();
        for (NetworkPresence p : NetworkGroups.of(state == null ? null : state.getLocation(), change.getEndpointId(),
                online ? NetworkPresenceChange.ONLINE : NetworkPresenceChange.OFFLINE, change.getAt(),
                change.getEventId())) {
            now.put(p.getGroup(), p);
        }
        List<NetworkPresence> out = new ArrayList<>();
        if (online) {
            // groups it went offline in (or, on a replayed online, was online in) and is not in now
            was.stream().filter(g -> !now.containsKey(g)).forEach(g -> out.add(left(g, change)));
            out.addAll(now.values());
            counted.put(key, ONLINE + String.join(NetworkGroups.SEPARATOR, now.keySet()));
        } else if (wasOnline) {
            for (String group : was) {
                out.add(now.containsKey(group) ? now.get(group) : left(group, change));
            }
            counted.put(key, OFFLINE + String.join(NetworkGroups.SEPARATOR, was));
        } else {
            // counted nowhere (online before incidents were tracked, or a replay): the detector skips what it never
            // counted online
            out.addAll(now.values());
            counted.put(key, OFFLINE + String.join(NetworkGroups.SEPARATOR, now.keySet()));
        }
        out.forEach(p -> context.forward(new Record<>(p.getGroup(), p, record.timestamp())));
    }

    static NetworkPresence clock(PresenceProgress progress) {
        return NetworkPresence.newBuilder()
                .setGroup(NetworkGroups.CLOCK_PREFIX + progress.partition())
                .setKind(NetworkKind.OPERATOR)
                .setEndpointId(0)
                .setChange(NetworkPresenceChange.CLOCK)
                .setAt(Instant.ofEpochMilli(progress.upToMillis()))
                .setSourcePartition(progress.partition())
                .build();
    }

    private static NetworkPresence left(String group, PresenceChange change) {
        return NetworkPresence.newBuilder()
                .setGroup(group)
                .setKind(group.startsWith(NetworkGroups.OPERATOR_PREFIX) ? NetworkKind.OPERATOR : NetworkKind.COUNTRY)
                .setEndpointId(change.getEndpointId())
                .setChange(NetworkPresenceChange.LEFT)
                .setAt(change.getAt())
                .setEventId(change.getEventId())
                .build();
    }
}
