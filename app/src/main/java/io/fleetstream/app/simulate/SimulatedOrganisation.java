package io.fleetstream.app.simulate;

import io.fleetstream.schemas.emnify.EventKeys;

/**
 * An emnify organisation of the simulated fleet, with the one service profile its devices use (the
 * profile is named in the description of quota management events 52–55).
 */
public record SimulatedOrganisation(long id, String name, long serviceProfileId, String serviceProfileName) {

    /** The Kafka key fleetstream gives events of this organisation that have no endpoint. */
    public String recordKey() {
        return EventKeys.ofOrganisation(id);
    }
}
