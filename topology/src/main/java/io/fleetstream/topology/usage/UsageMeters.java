package io.fleetstream.topology.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * What usage dedupe and routing count, one series for the whole instance, each from the start at 0. In Prometheus:
 * {@code fleetstream_topology_usage_routed_total{traffic_type}} ({@code data}, {@code sms}) and
 * {@code fleetstream_topology_usage_duplicates_dropped_total}. Usage records of other traffic types are dead letters,
 * counted by the dead-letter counter (stage {@value UsageTopology#ROUTING_STAGE}, reason {@code unknown_traffic_type}).
 */
public final class UsageMeters {

    public static final String ROUTED = "fleetstream.topology.usage.routed";
    public static final String DUPLICATES = "fleetstream.topology.usage.duplicates.dropped";
    public static final String TRAFFIC_TYPE_TAG = "traffic_type";

    private final Map<UsageTraffic, Counter> routed = new EnumMap<>(UsageTraffic.class);
    private final Counter duplicates;

    public UsageMeters(MeterRegistry meters) {
        for (UsageTraffic traffic : UsageTraffic.values()) {
            routed.put(traffic, Counter.builder(ROUTED)
                    .description("deduplicated usage records handed to their traffic type's topic")
                    .tag(TRAFFIC_TYPE_TAG, traffic.tag())
                    .register(meters));
        }
        duplicates = Counter.builder(DUPLICATES)
                .description("usage records dropped because their id was seen within the dedupe retention")
                .register(meters);
    }

    void routed(UsageTraffic traffic) {
        routed.get(traffic).increment();
    }

    void duplicateDropped() {
        duplicates.increment();
    }
}
