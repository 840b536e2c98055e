package io.fleetstream.app.simulate;

/**
 * How a {@link CarrierOutage} plays out for one covered device (epoch millis): the network fails at
 * {@code from}, this device's open session is deleted at {@code dropAt}, the network is back at
 * {@code until}, and the device opens its next session at {@code reconnectAt}. The times are drawn when
 * the fleet is enrolled, so a device can plan a session that the outage will cut when it opens it.
 */
record OutageWindow(long from, long dropAt, long until, long reconnectAt, OutageTally tally) {

    boolean covers(long at) {
        return at >= from && at < until;
    }
}
