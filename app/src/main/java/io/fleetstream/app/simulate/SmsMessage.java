package io.fleetstream.app.simulate;

/**
 * One mobile-originated SMS a simulated device sent at {@code at} (epoch millis), on its tariff and
 * rate zone: one SMS usage record (traffic type 6). SMS go over the signalling network, not a data
 * session, so the record has no {@code session_id}.
 */
record SmsMessage(SimulatedDevice device, long at, long tariffId, long ratezoneId) implements PlannedUsage {

    @Override
    public long end() {
        return at;
    }
}
