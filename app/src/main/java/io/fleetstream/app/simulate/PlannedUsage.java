package io.fleetstream.app.simulate;

/**
 * What one usage record will report, as a device plans it: a slice of a data session's traffic or one
 * SMS. The record is due at {@link #end()}, which is never earlier than the step that plans it.
 */
sealed interface PlannedUsage permits UsageSlice, SmsMessage {

    SimulatedDevice device();

    /** Epoch millis at which the record's traffic ends: its {@code end_timestamp}. */
    long end();
}
