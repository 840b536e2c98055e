package io.fleetstream.topology.incident;

import io.fleetstream.avro.AffectedDevice;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.IncidentKind;
import io.fleetstream.avro.IncidentStatus;
import io.fleetstream.avro.NetworkKind;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.avro.NetworkPresenceChange;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.IncidentRules;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Watches each network group (keyed by it: {@code operator:<id>}, {@code country:<mcc>}) for a carrier incident, by
 * event time ({@link NetworkPresence#getAt()}), and writes the incident to its sink when it opens and when it resolves.
 *
 * <ul>
 *   <li><b>Online count.</b> Exact and idempotent: a group's online devices are members in {@value #MEMBERS}; a
 *       change that would not change membership (a replayed duplicate, an offline of a device never counted online)
 *       changes nothing.</li>
 *   <li><b>Opening.</b> Each offline is kept in {@value #RECENT} for a few windows. On an offline, the group's
 *       recent offlines still offline are checked by {@link OutageWindow#earliest}: the earliest window that meets
 *       the rules opens the incident; its devices, and those gone offline since, are affected.</li>
 *   <li><b>While open.</b> A device going offline within one window from the incident's start (the outage's onset)
 *       joins it; later offlines do not (a churny fleet would otherwise keep it open for ever); one going offline up to
 *       a window before the start (delivered late: the groups of different partitions interleave) moves the start
 *       back if the earliest qualifying window starts earlier with it, so the same offlines open the same incident
 *       whatever order they arrive in.</li>
 *   <li><b>Resolving.</b> An affected device coming back online, in the group or in another one (it roamed away from
 *       the failed network), counts as recovered, and stays so (a device that comes and goes by itself must not hold the incident open); when {@link IncidentRules#resolveShare()} of the affected are back, the incident resolves.</li>
 *   <li><b>Retention.</b> Incidents stay in {@value #INCIDENTS} (queryable) until resolved longer ago than the
 *       history retention; a sweep on the wall clock deletes them. There are few, so the sweep reads them all.</li>
 * </ul>
 */
final class IncidentDetector implements Processor<String, NetworkPresence, String, FleetIncident> {

    /** The incidents, open and resolved, by id: what {@code GET /v1/fleet/incidents} reads. */
    static final String INCIDENTS = "fleet-incidents";
    /** {@code <group>|<endpoint id>} → when the device came online, for every device online in the group. */
    static final String MEMBERS = "incident-group-members";
    /** group → how many devices are online in it (the count of its members). */
    static final String ONLINE = "incident-group-online";
    /** {@code <group>|<event time, 19 digits>|<endpoint id>} → endpoint id: the group's recent offlines. */
    static final String RECENT = "incident-recent-offlines";
    /** group → the id of its open incident. */
    static final String OPEN = "incident-open";
    /**
     * {@code <event time, 19 digits>|<group>|<endpoint id>|<change>} → a record waiting for the watermark, so that
     * the records of every device-state task are applied in event-time order.
     */
    static final String REORDER = "incident-reorder-buffer";
    /** {@code source:<partition>} → the watermark of a device-state task; {@value #RELEASED} → how far this task applied. */
    static final String CLOCKS = "incident-source-clocks";
    static final String RELEASED = "released";
    private static final String SOURCE_PREFIX = "source:";
    private static final int RELEASE_CHUNK = 1_000;
    /** Recent offlines are kept this many windows behind the group's latest one. */
    private static final int KEPT_WINDOWS = 3;
    private static final Logger log = LoggerFactory.getLogger(IncidentDetector.class);

    private final IncidentRules rules;
    private final HistoryRetention retention;
    private final IncidentMeters meters;
    private ProcessorContext<String, FleetIncident> context;
    private KeyValueStore<String, FleetIncident> incidents;
    private KeyValueStore<String, Long> members;
    private KeyValueStore<String, Long> online;
    private KeyValueStore<String, Long> recent;
    private KeyValueStore<String, String> open;
    private KeyValueStore<String, NetworkPresence> reorder;
    private KeyValueStore<String, Long> clocks;
    /** Every buffered record at or before this has been applied; a record arriving at or before it is late. */
    private long released;

    IncidentDetector(IncidentRules rules, HistoryRetention retention, IncidentMeters meters) {
        this.rules = rules;
        this.retention = retention;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, FleetIncident> context) {
        this.context = context;
        this.incidents = context.getStateStore(INCIDENTS);
        this.members = context.getStateStore(MEMBERS);
        this.online = context.getStateStore(ONLINE);
        this.recent = context.getStateStore(RECENT);
        this.open = context.getStateStore(OPEN);
        this.reorder = context.getStateStore(REORDER);
        this.clocks = context.getStateStore(CLOCKS);
        Long restored = clocks.get(RELEASED);
        this.released = restored == null ? Long.MIN_VALUE : restored;
        context.schedule(retention.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, NetworkPresence> record) {
        NetworkPresence p = record.value();
        if (p == null) {
            return;
        }
        if (p.getChange() == NetworkPresenceChange.CLOCK) {
            watermark(p, record.timestamp());
        } else if (p.getAt().toEpochMilli() <= released) {
            // late: an event that came after its task's clock had passed it; applied as it comes
            apply(p, record.timestamp());
        } else {
            reorder.put(reorderKey(p), p);
        }
    }

    /**
     * A device-state task's watermark. The groups of this partition get presence changes from every device-state
     * task, each in event-time order but interleaved as the tasks happen to run (one may be minutes of event time
     * ahead of another, or hours in a catch-up): buffered records are applied in event-time order up to the earliest
     * watermark of the tasks heard from, so the incidents depend on the presence changes, not on that interleaving.
     */
    private void watermark(NetworkPresence clock, long timestamp) {
        if (clock.getSourcePartition() == null) {
            log.warn("watermark {} without a source partition: skipped", clock);
            return;
        }
        String source = SOURCE_PREFIX + clock.getSourcePartition();
        long at = clock.getAt().toEpochMilli();
        Long before = clocks.get(source);
        if (before != null && before >= at) {
            return;
        }
        clocks.put(source, at);
        long earliest = Long.MAX_VALUE;
        try (KeyValueIterator<String, Long> it = clocks.range(SOURCE_PREFIX, SOURCE_PREFIX + Character.MAX_VALUE)) {
            while (it.hasNext()) {
                earliest = Math.min(earliest, it.next().value);
            }
        }
        if (earliest <= released) {
            return;
        }
        String upTo = sortableTime(earliest) + NetworkGroups.SEPARATOR + Character.MAX_VALUE;
        List<KeyValue<String, NetworkPresence>> due;
        do {
            due = new ArrayList<>(RELEASE_CHUNK);
            try (KeyValueIterator<String, NetworkPresence> it = reorder.range(null, upTo)) {
                while (it.hasNext() && due.size() < RELEASE_CHUNK) {
                    due.add(it.next());
                }
            }
            for (KeyValue<String, NetworkPresence> entry : due) {
                reorder.delete(entry.key);
                apply(entry.value, timestamp);
            }
        } while (due.size() == RELEASE_CHUNK);
        released = earliest;
        clocks.put(RELEASED, released);
    }

    private void apply(NetworkPresence p, long timestamp) {
        switch (p.getChange()) {
            case ONLINE -> online(p, timestamp);
            case OFFLINE -> offline(p, timestamp);
            case LEFT -> left(p, timestamp);
            case CLOCK -> throw new IllegalStateException("a watermark is not applied: " + p);
        }
    }

    /**
     * An event time as 19 digits, so that keys sort by it as text; times before 1970 are not expected of emnify and
     * clamp to 0.
     */
    private static String sortableTime(long atMillis) {
        return String.format("%019d", Math.max(0, atMillis));
    }

    /** Event time first; the rest only makes the key unique and the order of equal times fixed. */
    static String reorderKey(NetworkPresence p) {
        return sortableTime(p.getAt().toEpochMilli()) + NetworkGroups.SEPARATOR + p.getGroup()
                + NetworkGroups.SEPARATOR + p.getEndpointId() + NetworkGroups.SEPARATOR + p.getChange().ordinal();
    }

    private void online(NetworkPresence p, long timestamp) {
        String group = p.getGroup();
        String member = memberKey(group, p.getEndpointId());
        if (members.get(member) != null) {
            return;
        }
        members.put(member, p.getAt().toEpochMilli());
        online.put(group, onlineCount(group) + 1);
        recovered(p, timestamp);
    }

    /** An affected device of the group's open incident is back online (here, or in another group). */
    private void recovered(NetworkPresence p, long timestamp) {
        String group = p.getGroup();
        FleetIncident incident = openIncident(group);
        if (incident == null) {
            return;
        }
        for (AffectedDevice device : incident.getDevices()) {
            if (device.getEndpointId() == p.getEndpointId() && device.getOnlineAt() == null) {
                device.setOnlineAt(p.getAt());
                incident.setRecovered(incident.getRecovered() + 1);
                if (incident.getRecovered() >= OutageWindow.toResolve(incident.getAffected(), rules)) {
                    incident.setStatus(IncidentStatus.RESOLVED);
                    incident.setResolvedAt(p.getAt());
                    open.delete(group);
                    incidents.put(incident.getIncidentId(), incident);
                    write(incident, timestamp);
                } else {
                    incidents.put(incident.getIncidentId(), incident);
                }
                return;
            }
        }
    }

    private void offline(NetworkPresence p, long timestamp) {
        String group = p.getGroup();
        String member = memberKey(group, p.getEndpointId());
        if (members.get(member) == null) {
            log.debug("group {}: offline of device {} at {}, which is not counted online here (a replay, or online "
                    + "before incidents were tracked); skipped", group, p.getEndpointId(), p.getAt());
            return;
        }
        long at = p.getAt().toEpochMilli();
        members.delete(member);
        long onlineNow = Math.max(0, onlineCount(group) - 1);
        online.put(group, onlineNow);
        recent.put(recentKey(group, at, p.getEndpointId()), p.getEndpointId());
        forget(group, at - KEPT_WINDOWS * rules.window().toMillis());

        long window = rules.window().toMillis();
        FleetIncident incident = openIncident(group);
        if (incident == null) {
            List<OutageWindow.Offline> candidates = stillOffline(group, at - window, at + window);
            Optional<OutageWindow.Qualifying> found = OutageWindow.earliest(candidates, onlineNow, rules);
            if (found.isPresent()) {
                open(p, found.get(), candidates, onlineNow, timestamp);
            }
            return;
        }
        long start = incident.getOpenedAt().toEpochMilli();
        if (at >= start) {
            // only the outage's onset joins: in a fleet whose devices come and go all the time, every later offline
            // joining would keep the incident open for ever
            if (at < start + window) {
                join(incident, p.getEndpointId(), at);
            }
        } else if (at >= start - window) {
            // delivered late: does the earliest qualifying window start earlier with it?
            List<OutageWindow.Offline> candidates = stillOffline(group, at - window, start + window);
            OutageWindow.earliest(candidates, onlineNow, rules).filter(q -> q.start() < start).ifPresent(q -> {
                incident.setOpenedAt(Instant.ofEpochMilli(q.start()));
                for (OutageWindow.Offline o : candidates) {
                    if (o.atMillis() >= q.start() && o.atMillis() < start) {
                        join(incident, o.endpointId(), o.atMillis());
                    }
                }
            });
        }
        incidents.put(incident.getIncidentId(), incident);
    }

    /**
     * The device no longer counts here: it moved while online (a member: not an outage), or it went offline here and
     * came back online elsewhere (not a member: back online, as far as an incident here is concerned).
     */
    private void left(NetworkPresence p, long timestamp) {
        if (members.get(memberKey(p.getGroup(), p.getEndpointId())) != null) {
            members.delete(memberKey(p.getGroup(), p.getEndpointId()));
            online.put(p.getGroup(), Math.max(0, onlineCount(p.getGroup()) - 1));
        } else {
            recovered(p, timestamp);
        }
    }

    private void open(NetworkPresence p, OutageWindow.Qualifying window, List<OutageWindow.Offline> candidates,
                      long onlineNow, long timestamp) {
        List<AffectedDevice> devices = new ArrayList<>();
        candidates.stream()
                .filter(o -> o.atMillis() >= window.start())
                .sorted(Comparator.comparingLong(OutageWindow.Offline::atMillis).thenComparingLong(OutageWindow.Offline::endpointId))
                .forEach(o -> {
                    if (devices.stream().noneMatch(d -> d.getEndpointId() == o.endpointId())) {
                        devices.add(new AffectedDevice(o.endpointId(), Instant.ofEpochMilli(o.atMillis()), null));
                    }
                });
        Instant start = Instant.ofEpochMilli(window.start());
        FleetIncident incident = FleetIncident.newBuilder()
                .setIncidentId(p.getGroup() + "@" + start)
                .setKind(IncidentKind.valueOf(p.getKind().name()))
                .setGroup(p.getGroup())
                .setOperatorId(p.getOperatorId())
                .setOperator(p.getOperator())
                .setCountry(p.getCountry())
                .setMcc(p.getMcc())
                .setStatus(IncidentStatus.OPEN)
                .setOpenedAt(start)
                .setDetectedAt(p.getAt())
                .setResolvedAt(null)
                .setDevicesOnlineBefore(onlineNow + devices.size())
                .setAffected(devices.size())
                .setRecovered(0)
                .setDevices(devices)
                .build();
        open.put(p.getGroup(), incident.getIncidentId());
        incidents.put(incident.getIncidentId(), incident);
        log.warn("carrier incident {} opened: {} of {} online device(s) of {} ({}) went offline from {} to {}",
                incident.getIncidentId(), devices.size(), incident.getDevicesOnlineBefore(), p.getGroup(),
                p.getKind() == NetworkKind.OPERATOR ? p.getOperator() : p.getCountry(), start,
                p.getAt());
        write(incident, timestamp);
    }

    private static void join(FleetIncident incident, long endpointId, long at) {
        for (AffectedDevice device : incident.getDevices()) {
            if (device.getEndpointId() == endpointId) {
                // affected already; once back it stays recovered: the network carried it again, and a device that
                // comes and goes by itself would otherwise hold the incident open
                return;
            }
        }
        incident.getDevices().add(new AffectedDevice(endpointId, Instant.ofEpochMilli(at), null));
        // it was online when the incident opened, so it is among the devices online before already
        incident.setAffected(incident.getAffected() + 1);
    }

    private void write(FleetIncident incident, long timestamp) {
        meters.written(incident.getKind(), incident.getStatus());
        context.forward(new Record<>(incident.getIncidentId(), FleetIncident.newBuilder(incident).build(), timestamp));
    }

    /** The group's recent offlines in [from, to] whose devices are still offline there. */
    private List<OutageWindow.Offline> stillOffline(String group, long from, long to) {
        List<OutageWindow.Offline> found = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = recent.range(recentKey(group, Math.max(0, from), Long.MIN_VALUE),
                recentKey(group, Math.max(0, to), Long.MAX_VALUE))) {
            while (it.hasNext()) {
                KeyValue<String, Long> entry = it.next();
                if (members.get(memberKey(group, entry.value)) == null) {
                    found.add(new OutageWindow.Offline(entry.value, recentAt(entry.key, group)));
                }
            }
        }
        return found;
    }

    /** Deletes the group's recent offlines before {@code before}. */
    private void forget(String group, long before) {
        if (before <= 0) {
            return;
        }
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = recent.range(recentKey(group, 0, Long.MIN_VALUE),
                recentKey(group, before - 1, Long.MAX_VALUE))) {
            it.forEachRemaining(entry -> old.add(entry.key));
        }
        old.forEach(recent::delete);
    }

    private FleetIncident openIncident(String group) {
        String id = open.get(group);
        return id == null ? null : incidents.get(id);
    }

    private long onlineCount(String group) {
        Long count = online.get(group);
        return count == null ? 0 : count;
    }

    private void purge(long now) {
        long cutoff = now - retention.retention().toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, FleetIncident> it = incidents.all()) {
            while (it.hasNext()) {
                FleetIncident incident = it.next().value;
                if (incident.getResolvedAt() != null && incident.getResolvedAt().toEpochMilli() < cutoff) {
                    expired.add(incident.getIncidentId());
                }
            }
        }
        expired.forEach(incidents::delete);
    }

    static String memberKey(String group, long endpointId) {
        return group + NetworkGroups.SEPARATOR + endpointId;
    }

    /** Sorts by event time within a group: times before 1970 are not expected of emnify and clamp to 0. */
    static String recentKey(String group, long atMillis, long endpointId) {
        String endpoint = endpointId == Long.MIN_VALUE ? "" : endpointId == Long.MAX_VALUE ? "~"
                : Long.toString(endpointId);
        return group + NetworkGroups.SEPARATOR + sortableTime(atMillis)
                + NetworkGroups.SEPARATOR + endpoint;
    }

    private static long recentAt(String key, String group) {
        int from = group.length() + 1;
        return Long.parseLong(key.substring(from, from + 19));
    }
}
