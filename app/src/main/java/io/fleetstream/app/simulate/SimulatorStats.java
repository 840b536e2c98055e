package io.fleetstream.app.simulate;

import io.fleetstream.schemas.catalog.EventCategory;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of what the simulator has delivered so far; only acknowledged batches count.
 *
 * @param simulatedNow     how far the simulated clock has run
 * @param eventsSent       events in acknowledged batches, re-sent duplicates included
 * @param eventsByCategory the same, by the category topic they are routed to
 * @param batchesSent      acknowledged batches of events
 * @param retries          POSTs (of events or usage records) that were not acknowledged and had to be repeated
 * @param finished         true once a run with a duration has delivered everything
 * @param usageRecordsSent usage records in acknowledged batches on the usage path
 */
public record SimulatorStats(Instant simulatedNow, long eventsSent, Map<EventCategory, Long> eventsByCategory,
                             long batchesSent, long retries, boolean finished, long usageRecordsSent) {

    public SimulatorStats {
        eventsByCategory = Map.copyOf(eventsByCategory);
    }
}
