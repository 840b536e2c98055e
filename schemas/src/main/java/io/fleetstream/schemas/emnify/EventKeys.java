package io.fleetstream.schemas.emnify;

import io.fleetstream.avro.EmnifyEvent;

/**
 * The Kafka record key of an event: the endpoint id, so every event of a device lands on one partition
 * in order; organisation-level events (quota management, organisation blocked) have no endpoint and are
 * keyed by organisation instead.
 */
public final class EventKeys {

    private EventKeys() {
    }

    /** The endpoint id as a decimal string, else {@code org-<organisation id>}, else {@code org-unknown}. */
    public static String keyOf(EmnifyEvent event) {
        if (event.getEndpoint() != null) {
            return Long.toString(event.getEndpoint().getId());
        }
        if (event.getOrganisation() != null) {
            return "org-" + event.getOrganisation().getId();
        }
        return "org-unknown";
    }
}
