package io.fleetstream.topology.quota;

import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.topology.taskcounts.TaskCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Endpoints by quota status, for the data and the SMS quota: {@code fleetstream_topology_quotas{kind, status}} in
 * Prometheus, a gauge over the quota-state store of this instance's active tasks ({@link TaskCounts}). Every endpoint
 * with a quota record counts once per kind (NONE for the kind it has no quota of), as in the fleet summary.
 */
public final class QuotaMeters {

    public static final String QUOTAS = "fleetstream.topology.quotas";
    public static final String KIND_TAG = "kind";
    public static final String STATUS_TAG = "status";

    private static final QuotaStatus[] STATUSES = QuotaStatus.values();

    private final TaskCounts<QuotaState> counts = new TaskCounts<>(QuotaKind.values().length * STATUSES.length,
            QuotaMeters::classify);

    /** Registers the gauges; one instance per registry (per Kafka Streams client). */
    public QuotaMeters(MeterRegistry meters) {
        for (QuotaKind kind : QuotaKind.values()) {
            for (QuotaStatus status : STATUSES) {
                int counter = counter(kind, status);
                Gauge.builder(QUOTAS, counts, c -> c.total(counter))
                        .description("endpoints in this instance's active quota-state stores, by quota kind and status")
                        .tag(KIND_TAG, kind.name().toLowerCase(Locale.ROOT))
                        .tag(STATUS_TAG, status.name())
                        .strongReference(true)
                        .register(meters);
            }
        }
    }

    TaskCounts<QuotaState> counts() {
        return counts;
    }

    private static int counter(QuotaKind kind, QuotaStatus status) {
        return kind.ordinal() * STATUSES.length + status.ordinal();
    }

    private static void classify(QuotaState state, IntConsumer counter) {
        counter.accept(counter(QuotaKind.DATA, state.getData().getStatus()));
        counter.accept(counter(QuotaKind.SMS, state.getSms().getStatus()));
    }
}
