package io.fleetstream.topology.incident;

import io.fleetstream.avro.Location;
import io.fleetstream.avro.NetworkKind;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.avro.NetworkPresenceChange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The network groups a device is counted in, from its last location: its operator ({@code operator:<operator id>})
 * and its country ({@code country:<mcc>}). A location without an operator id or an MCC puts the device in no such
 * group: a name alone is not a stable key (emnify spells operators differently over time).
 */
final class NetworkGroups {

    static final String OPERATOR_PREFIX = "operator:";
    static final String COUNTRY_PREFIX = "country:";
    /** The key of a watermark ({@code CLOCK}) record: {@code clock:<source partition>}, in no group. */
    static final String CLOCK_PREFIX = "clock:";
    /** Joins a device's groups in the feed's per-device store. */
    static final String SEPARATOR = "|";

    private NetworkGroups() {
    }

    /** The groups of a location (none for null), as records for one device's change. */
    static List<NetworkPresence> of(Location location, long endpointId, NetworkPresenceChange change, Instant at,
                                    Long eventId) {
        List<NetworkPresence> groups = new ArrayList<>(2);
        if (location == null) {
            return groups;
        }
        if (location.getOperatorId() != null) {
            groups.add(record(OPERATOR_PREFIX + location.getOperatorId(), NetworkKind.OPERATOR, location, endpointId,
                    change, at, eventId));
        }
        if (location.getMcc() != null && !location.getMcc().isBlank()) {
            groups.add(record(COUNTRY_PREFIX + location.getMcc().trim(), NetworkKind.COUNTRY, location, endpointId,
                    change, at, eventId));
        }
        return groups;
    }

    private static NetworkPresence record(String group, NetworkKind kind, Location location, long endpointId,
                                          NetworkPresenceChange change, Instant at, Long eventId) {
        return NetworkPresence.newBuilder()
                .setGroup(group)
                .setKind(kind)
                // an operator's incident names its operator and country; a country's names only the country
                .setOperatorId(kind == NetworkKind.OPERATOR ? location.getOperatorId() : null)
                .setOperator(kind == NetworkKind.OPERATOR ? location.getOperator() : null)
                .setCountry(location.getCountry())
                .setMcc(location.getMcc())
                .setEndpointId(endpointId)
                .setChange(change)
                .setAt(at)
                .setEventId(eventId)
                .build();
    }
}
