package io.fleetstream.app.simulate;

import java.math.BigDecimal;

/**
 * The part of one data session's traffic that one usage record reports: from {@code start} to
 * {@code end} (epoch millis), {@code rx} and {@code tx} in MB with 6 decimals. The slices of a session
 * follow each other without gap or overlap, and their volumes add up to the session's total on its
 * Delete PDP event.
 */
record UsageSlice(SimulatedDevice device, DataSession session, long start, long end, BigDecimal rx, BigDecimal tx)
        implements PlannedUsage {
}
