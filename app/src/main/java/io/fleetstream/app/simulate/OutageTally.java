package io.fleetstream.app.simulate;

/**
 * What an outage did, counted by the covered devices as they plan it, so the one log line at its start and
 * end can say how many devices it took down: sessions that the outage cuts (known once the outage starts,
 * as they were all open before it) and devices that wanted a session during it and wait for its end.
 */
final class OutageTally {

    private int sessionsDropped;
    private int devicesHeldOff;

    void sessionDropped() {
        sessionsDropped++;
    }

    void deviceHeldOff() {
        devicesHeldOff++;
    }

    int sessionsDropped() {
        return sessionsDropped;
    }

    /** Devices that reconnect once it ends: those that lost a session and those that could not open one. */
    int devicesToReconnect() {
        return sessionsDropped + devicesHeldOff;
    }
}
