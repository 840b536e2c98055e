package io.fleetstream.topology.device;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.topology.taskcounts.TaskCounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.IntConsumer;

/**
 * The device processor's meters: devices by connectivity status, devices online, pending offline timers (gauges over
 * the device-state store of this instance's active tasks, see {@link TaskCounts}) and late events (a counter).
 *
 * <p>In Prometheus: {@code fleetstream_topology_devices{status}}, {@code fleetstream_topology_devices_online},
 * {@code fleetstream_topology_offline_timers_pending} and {@code fleetstream_topology_late_events_total}.
 */
public final class DeviceMeters {

    public static final String DEVICES = "fleetstream.topology.devices";
    public static final String ONLINE = "fleetstream.topology.devices.online";
    public static final String TIMERS_PENDING = "fleetstream.topology.offline.timers.pending";
    public static final String LATE_EVENTS = "fleetstream.topology.late.events";
    public static final String STATUS_TAG = "status";

    private static final ConnectivityStatus[] STATUSES = ConnectivityStatus.values();
    private static final int ONLINE_COUNTER = STATUSES.length;
    private static final int TIMER_COUNTER = STATUSES.length + 1;

    private final TaskCounts<DeviceState> counts = new TaskCounts<>(STATUSES.length + 2, DeviceMeters::classify);
    private final Counter lateEvents;

    /** Registers the meters; one instance per registry (per Kafka Streams client). */
    public DeviceMeters(MeterRegistry meters) {
        for (ConnectivityStatus status : STATUSES) {
            Gauge.builder(DEVICES, counts, c -> c.total(status.ordinal()))
                    .description("devices in this instance's active device-state stores, by connectivity status")
                    .tag(STATUS_TAG, status.name())
                    .strongReference(true)
                    .register(meters);
        }
        Gauge.builder(ONLINE, counts, c -> c.total(ONLINE_COUNTER))
                .description("devices online (debounced presence) in this instance's active device-state stores")
                .strongReference(true)
                .register(meters);
        // a device has a pending offline exactly when its state has a due time: the processor keeps one timer-index
        // entry per such device, so counting states counts timers without a second store to scan
        Gauge.builder(TIMERS_PENDING, counts, c -> c.total(TIMER_COUNTER))
                .description("offline timers pending (sessions ended, offline window running) in this instance's active tasks")
                .strongReference(true)
                .register(meters);
        this.lateEvents = Counter.builder(LATE_EVENTS)
                .description("connectivity events that arrived after their device's state had moved past them (beyond"
                        + " the event-lateness bound): kept in history and their category topic, not applied to state")
                .register(meters);
    }

    TaskCounts<DeviceState> counts() {
        return counts;
    }

    void lateEvent() {
        lateEvents.increment();
    }

    private static void classify(DeviceState state, IntConsumer counter) {
        counter.accept(state.getStatus().ordinal());
        if (state.getOnline()) {
            counter.accept(ONLINE_COUNTER);
        }
        if (state.getOfflineDueAt() != null) {
            counter.accept(TIMER_COUNTER);
        }
    }
}
