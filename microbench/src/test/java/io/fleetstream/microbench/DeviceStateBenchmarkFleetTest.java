package io.fleetstream.microbench;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.PresenceReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The device-state benchmarks measure what they say: over rounds of the fleet (resets included), the measured batches
 * apply about as many events as they process (the reorder buffer is as full when a round starts as when it ends), every
 * measured create takes an offline device online, and no measured event is late or fires an offline.
 */
class DeviceStateBenchmarkFleetTest {

    private static final int DEVICES = 1_000;
    private static final int ROUNDS = 3;

    private record Forwarded(int events, int states, List<PresenceChange> presence) {
    }

    private static Forwarded run(DeviceStateBenchmark.EventStream stream) {
        stream.devices = DEVICES;
        stream.setUp();
        try {
            int events = 0;
            int states = 0;
            List<PresenceChange> presence = new ArrayList<>();
            for (int batch = 0; batch < ROUNDS * DEVICES / DeviceStateBenchmark.BATCH; batch++) {
                stream.nextBatch();
                stream.processBatch();
                events += DeviceStateBenchmark.BATCH;
                for (var forward : stream.fleet.context.forwarded()) {
                    Object value = forward.record().value();
                    if (value instanceof DeviceState) {
                        states++;
                    } else if (value instanceof PresenceChange change) {
                        presence.add(change);
                    }
                }
            }
            return new Forwarded(events, states, presence);
        } finally {
            stream.tearDown();
        }
    }

    @Test
    void updatesOfOnlineDevicesChangeStateAndNotPresence() {
        Forwarded forwarded = run(new DeviceStateBenchmark.OnlineFleet());

        assertThat(forwarded.states()).isCloseTo(forwarded.events(), within(forwarded.events() / 10));
        assertThat(forwarded.presence()).isEmpty();
    }

    @Test
    void everyMeasuredCreateTakesAnOfflineDeviceOnline() {
        Forwarded forwarded = run(new DeviceStateBenchmark.OfflineFleet());

        assertThat(forwarded.states()).isCloseTo(forwarded.events(), within(forwarded.events() / 10));
        assertThat(forwarded.presence()).hasSize(forwarded.states()).allSatisfy(change -> {
            assertThat(change.getTo()).isEqualTo(Presence.ONLINE);
            assertThat(change.getReason()).isEqualTo(PresenceReason.PDP_CREATED);
        });
    }

    @Test
    void measuredDeletesFireNoOffline() {
        Forwarded forwarded = run(new DeviceStateBenchmark.ConnectedFleet());

        assertThat(forwarded.states()).isCloseTo(forwarded.events(), within(forwarded.events() / 10));
        assertThat(forwarded.presence()).isEmpty();
    }
}
