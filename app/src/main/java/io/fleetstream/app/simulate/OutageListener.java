package io.fleetstream.app.simulate;

import java.time.Instant;

/**
 * Told when a simulated {@link CarrierOutage} starts and ends on the simulated timeline (once each, as
 * the {@link TrafficGenerator} is advanced past those times); the simulator logs one line for each.
 */
public interface OutageListener {

    OutageListener NONE = new OutageListener() {
        @Override
        public void started(CarrierOutage outage, Instant at, int devicesCovered, int sessionsDropped) {
        }

        @Override
        public void ended(CarrierOutage outage, Instant at, int devicesToReconnect) {
        }
    };

    /**
     * @param devicesCovered  the operator's devices the outage covers
     * @param sessionsDropped those of them whose open session it deletes
     */
    void started(CarrierOutage outage, Instant at, int devicesCovered, int sessionsDropped);

    /** @param devicesToReconnect covered devices that lost a session or wanted one, and now reconnect */
    void ended(CarrierOutage outage, Instant at, int devicesToReconnect);
}
