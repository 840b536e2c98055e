package io.fleetstream.schemas;

import io.fleetstream.schemas.catalog.EventCategory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every topic fleetstream reads or writes, declared once. The prefix (default {@code emnify.}) is
 * configurable so several pipelines can share a cluster.
 */
public final class Topics {

    public static final String DEFAULT_PREFIX = "emnify.";

    /** How a topic is kept: as a log of events, or compacted to the latest value per key. */
    public enum Cleanup { DELETE, COMPACT }

    /** A topic to create at start-up. */
    public record Spec(String name, Cleanup cleanup) {
    }

    private final String prefix;
    private final Map<EventCategory, String> categoryTopics = new EnumMap<>(EventCategory.class);

    public Topics(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        for (EventCategory category : EventCategory.values()) {
            categoryTopics.put(category, prefix + "events." + category.slug());
        }
    }

    public static Topics withDefaultPrefix() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    /** Normalised events from every source, before dedupe: {@code EmnifyEvent}, key endpoint id or org-&lt;id&gt;. */
    public String raw() {
        return prefix + "events.raw";
    }

    /** Records that could not be processed: {@code DeadLetter}, no key. */
    public String deadLetters() {
        return prefix + "events.dlq";
    }

    /** Deduplicated events of one category: {@code EmnifyEvent}. */
    public String category(EventCategory category) {
        return categoryTopics.get(category);
    }

    /** Every device's state after each change: {@code DeviceState}, compacted. */
    public String deviceState() {
        return prefix + "device.state";
    }

    /** One record per online/offline change: {@code PresenceChange}. */
    public String devicePresence() {
        return prefix + "device.presence";
    }

    /** Every device's data and SMS quota after each change: {@code QuotaState}, compacted. */
    public String quotaState() {
        return prefix + "quota.state";
    }

    /** Every organisation's quota management flags: {@code QuotaManagementState}, compacted. */
    public String quotaManagement() {
        return prefix + "quota.management";
    }

    /**
     * Data quotas projected to run out within the alert horizon, once per quota assignment: {@code QuotaAlert}, key
     * endpoint id.
     */
    public String quotaAlerts() {
        return prefix + "quota.alerts";
    }

    /** Normalised usage records of the Data Streamer, before dedupe: {@code UsageRecord}, key endpoint id or org-&lt;id&gt;. */
    public String usageRaw() {
        return prefix + "usage.raw";
    }

    /** Deduplicated data usage records (traffic type 5): {@code UsageRecord}. */
    public String usageData() {
        return prefix + "usage.data";
    }

    /** Deduplicated SMS usage records (traffic type 6): {@code UsageRecord}. */
    public String usageSms() {
        return prefix + "usage.sms";
    }

    /**
     * Internal to fleetstream: every presence change re-keyed to the operator and the country the device is counted
     * in ({@code NetworkPresence}, key {@code operator:<id>} or {@code country:<mcc>}), so one task sees a whole
     * network group; it feeds the carrier-incident detector. Not for consumers: its records may change shape.
     */
    public String fleetPresenceByNetwork() {
        return prefix + "fleet.presence-by-network";
    }

    /** Carrier incidents as they open and resolve: {@code FleetIncident}, key the incident id. */
    public String fleetIncidents() {
        return prefix + "fleet.incidents";
    }

    /**
     * Where each emnify API poller keeps its checkpoint (last window end and the event ids at its edge), keyed by
     * poller id, compacted. Its partitions also decide which ingest replica polls: see the ingest poller.
     */
    public String pollerCheckpoints() {
        return prefix + "ingest.poller-checkpoints";
    }

    /** The topics the pipeline needs, in the order they are created. */
    public List<Spec> all() {
        List<Spec> specs = new ArrayList<>();
        specs.add(new Spec(raw(), Cleanup.DELETE));
        specs.add(new Spec(deadLetters(), Cleanup.DELETE));
        for (EventCategory category : EventCategory.values()) {
            specs.add(new Spec(category(category), Cleanup.DELETE));
        }
        specs.add(new Spec(deviceState(), Cleanup.COMPACT));
        specs.add(new Spec(devicePresence(), Cleanup.DELETE));
        specs.add(new Spec(quotaState(), Cleanup.COMPACT));
        specs.add(new Spec(quotaManagement(), Cleanup.COMPACT));
        specs.add(new Spec(pollerCheckpoints(), Cleanup.COMPACT));
        specs.add(new Spec(usageRaw(), Cleanup.DELETE));
        specs.add(new Spec(usageData(), Cleanup.DELETE));
        specs.add(new Spec(usageSms(), Cleanup.DELETE));
        specs.add(new Spec(fleetPresenceByNetwork(), Cleanup.DELETE));
        specs.add(new Spec(fleetIncidents(), Cleanup.DELETE));
        specs.add(new Spec(quotaAlerts(), Cleanup.DELETE));
        return List.copyOf(specs);
    }
}
