package io.fleetstream.topology.incident;

import io.fleetstream.avro.IncidentKind;
import io.fleetstream.avro.IncidentStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Carrier incidents opened and resolved on this instance, from the start at 0. In Prometheus:
 * {@code fleetstream_topology_incidents_total{kind, status}} ({@code operator}/{@code country},
 * {@code open}/{@code resolved}).
 */
public final class IncidentMeters {

    public static final String INCIDENTS = "fleetstream.topology.incidents";

    private final Map<IncidentKind, Map<IncidentStatus, Counter>> counters = new EnumMap<>(IncidentKind.class);

    public IncidentMeters(MeterRegistry meters) {
        for (IncidentKind kind : IncidentKind.values()) {
            Map<IncidentStatus, Counter> byStatus = new EnumMap<>(IncidentStatus.class);
            for (IncidentStatus status : IncidentStatus.values()) {
                byStatus.put(status, Counter.builder(INCIDENTS)
                        .description("carrier incidents written to the incidents topic, as they open and resolve")
                        .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                        .tag("status", status.name().toLowerCase(Locale.ROOT))
                        .register(meters));
            }
            counters.put(kind, byStatus);
        }
    }

    void written(IncidentKind kind, IncidentStatus status) {
        counters.get(kind).get(status).increment();
    }
}
