package io.fleetstream.schemas.emnify;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.UsageRecord;

/**
 * The Kafka record key of an event: the endpoint id, so every event of a device lands on one partition
 * in order; organisation-level events (quota management, organisation blocked) have no endpoint and are
 * keyed by organisation instead.
 *
 * <p>The one home of the key format: ingest keys records with it, and the topology keys its organisation
 * tables with {@link #ofOrganisation}, so an organisation's events and its table entry share a partition
 * (co-partitioning, no repartition topic) only because both come from here.
 */
public final class EventKeys {

    private EventKeys() {
    }

    private static final String ORGANISATION_PREFIX = "org-";

    /** The endpoint id as a decimal string, else {@code org-<organisation id>}, else {@code org-unknown}. */
    public static String keyOf(EmnifyEvent event) {
        if (event.getEndpoint() != null) {
            return ofEndpoint(event.getEndpoint().getId());
        }
        if (event.getOrganisation() != null) {
            return ofOrganisation(event.getOrganisation().getId());
        }
        return ORGANISATION_PREFIX + "unknown";
    }

    /**
     * A usage record's key, by the same rule: a device's usage records and its events share a partition, so joining
     * usage to the device's session needs no repartition.
     */
    public static String keyOf(UsageRecord usage) {
        if (usage.getEndpoint() != null) {
            return ofEndpoint(usage.getEndpoint().getId());
        }
        if (usage.getOrganisation() != null) {
            return ofOrganisation(usage.getOrganisation().getId());
        }
        return ORGANISATION_PREFIX + "unknown";
    }

    /** The key of a device's events: its endpoint id in decimal. */
    public static String ofEndpoint(long endpointId) {
        return Long.toString(endpointId);
    }

    /** The key of an organisation's events that have no endpoint: {@code org-<organisation id>}. */
    public static String ofOrganisation(long organisationId) {
        return ORGANISATION_PREFIX + organisationId;
    }
}
