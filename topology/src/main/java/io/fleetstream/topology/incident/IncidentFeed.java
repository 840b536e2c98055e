package io.fleetstream.topology.incident;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.NetworkKind;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.avro.NetworkPresenceChange;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.device.DeviceStateProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns each presence change into one record per network group of the device, keyed by the group, for the incident
 * detector (through the topic fleet.presence-by-network: the Processor API re-keys only through a topic).
 *
 * <p>A device counts online in the groups of its location when it came online, remembered in {@value #STORE}; its
 * offline goes to those same groups, so every group's online count is exact. A device that moved to another operator
 * or country while online (no presence change in between, so this processor does not see the move) leaves the old
 * group when it goes offline ({@link NetworkPresenceChange#LEFT}, not an outage there) and was never online in the new
 * one. The location is read from the device state store of the same task, which already holds the state that caused
 * the change.
 */
final class IncidentFeed implements Processor<String, Object, String, NetworkPresence> {

    /** endpoint key → the groups the device is counted online in, joined by {@link NetworkGroups#SEPARATOR}. */
    static final String STORE = "incident-device-groups";

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
        if (!(record.value() instanceof PresenceChange change)) {
            return;
        }
        String key = EventKeys.ofEndpoint(change.getEndpointId());
        DeviceState state = states.get(key);
        String before = counted.get(key);
        List<String> was = before == null || before.isEmpty() ? List.of() : Arrays.asList(before.split("\\|"));
        if (change.getTo() == Presence.ONLINE) {
            Map<String, NetworkPresence> now = new LinkedHashMap<>();
            for (NetworkPresence p : NetworkGroups.of(state == null ? null : state.getLocation(),
                    change.getEndpointId(), NetworkPresenceChange.ONLINE, change.getAt(), change.getEventId())) {
                now.put(p.getGroup(), p);
            }
            // only on a replayed online (at-least-once): a device goes offline before it comes online again
            for (String group : was) {
                if (!now.containsKey(group)) {
                    forward(left(group, change), record.timestamp());
                }
            }
            now.values().forEach(p -> forward(p, record.timestamp()));
            counted.put(key, String.join(NetworkGroups.SEPARATOR, now.keySet()));
        } else {
            List<NetworkPresence> offline = new ArrayList<>();
            List<NetworkPresence> now = NetworkGroups.of(state == null ? null : state.getLocation(),
                    change.getEndpointId(), NetworkPresenceChange.OFFLINE, change.getAt(), change.getEventId());
            if (was.isEmpty()) {
                // counted nowhere (online before incidents were tracked): the detector skips what it never counted
                offline.addAll(now);
            } else {
                for (String group : was) {
                    offline.add(now.stream().filter(p -> p.getGroup().equals(group)).findFirst()
                            // it moved while online (no presence change in between): it left the group it was counted
                            // in, and was not online in its new one
                            .orElseGet(() -> left(group, change)));
                }
            }
            offline.forEach(p -> forward(p, record.timestamp()));
            counted.delete(key);
        }
    }

    private void forward(NetworkPresence p, long timestamp) {
        context.forward(new Record<>(p.getGroup(), p, timestamp));
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
