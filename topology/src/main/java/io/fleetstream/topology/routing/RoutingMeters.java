package io.fleetstream.topology.routing;

import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * What dedupe and routing count: events written to each category topic and copies dropped as duplicates. Micrometer
 * counters, one series for the whole instance however many stream threads share them; every category's exists from
 * the start at 0, so a rate over it is defined before its first event.
 *
 * <p>In Prometheus: {@code fleetstream_topology_events_routed_total{category}} (the category's topic suffix, e.g.
 * {@code data-connection}) and {@code fleetstream_topology_duplicates_dropped_total}.
 */
public final class RoutingMeters {

    public static final String ROUTED = "fleetstream.topology.events.routed";
    public static final String DUPLICATES = "fleetstream.topology.duplicates.dropped";
    public static final String CATEGORY_TAG = "category";

    private final EventCatalog catalog;
    private final Map<EventCategory, Counter> routed = new EnumMap<>(EventCategory.class);
    private final Counter duplicates;

    public RoutingMeters(EventCatalog catalog, MeterRegistry meters) {
        this.catalog = catalog;
        for (EventCategory category : EventCategory.values()) {
            routed.put(category, Counter.builder(ROUTED)
                    .description("deduplicated events handed to their category topic, by category")
                    .tag(CATEGORY_TAG, category.slug())
                    .register(meters));
        }
        this.duplicates = Counter.builder(DUPLICATES)
                .description("events dropped because their id was seen within the dedupe retention")
                .register(meters);
    }

    /** An event of this type went to its category topic. */
    void routed(int eventTypeId) {
        routed.get(catalog.categoryOf(eventTypeId)).increment();
    }

    void duplicateDropped() {
        duplicates.increment();
    }
}
