package io.fleetstream.ingest.poller;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WindowPlannerTest {

    private static final Instant NOW = Instant.parse("2025-03-10T12:00:00.750Z");
    private static final Duration OVERLAP = Duration.ofMinutes(2);
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private static WindowPlanner planner(Optional<BackfillStart> backfill) {
        return new WindowPlanner(OVERLAP, WINDOW, INTERVAL, backfill);
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void aStoredCheckpointWinsOverTheBackfill() {
        PollerCheckpoint stored = PollerCheckpoint.of(at("2025-03-10T11:00:00Z"), Set.of(7L));

        WindowPlanner.Start start = planner(Optional.of(new BackfillStart.Ago(Duration.ofDays(7))))
                .start(Optional.of(stored), NOW);

        assertThat(start).isEqualTo(new WindowPlanner.Start(stored, WindowPlanner.Origin.CHECKPOINT));
    }

    @Test
    void aCheckpointOlderThanEmnifysHistoryResumesAtTheOldestFetchableSecond() {
        PollerCheckpoint stored = PollerCheckpoint.at(at("2025-01-01T00:00:00Z"));

        WindowPlanner.Start start = planner(Optional.empty()).start(Optional.of(stored), NOW);

        assertThat(start.origin()).isEqualTo(WindowPlanner.Origin.CHECKPOINT_BEYOND_HISTORY);
        assertThat(start.position().windowEnd()).isEqualTo(at("2025-02-08T12:00:00Z"));
    }

    @Test
    void withoutCheckpointTheBackfillStartIsUsedToTheSecond() {
        WindowPlanner.Start start = planner(Optional.of(new BackfillStart.Ago(Duration.ofDays(2)))).start(Optional.empty(), NOW);

        assertThat(start).isEqualTo(new WindowPlanner.Start(PollerCheckpoint.at(at("2025-03-08T12:00:00Z")),
                WindowPlanner.Origin.BACKFILL));
    }

    @Test
    void aBackfillTimestampBeyondTheHistoryIsClampedToIt() {
        WindowPlanner.Start start = planner(Optional.of(new BackfillStart.At(at("2024-12-01T00:00:00Z"))))
                .start(Optional.empty(), NOW);

        assertThat(start.position().windowEnd()).isEqualTo(at("2025-02-08T12:00:00Z"));
        assertThat(start.origin()).isEqualTo(WindowPlanner.Origin.BACKFILL);
    }

    @Test
    void withoutCheckpointOrBackfillPollingStartsNowAndWaitsOneInterval() {
        WindowPlanner planner = planner(Optional.empty());
        WindowPlanner.Start start = planner.start(Optional.empty(), NOW);

        assertThat(start).isEqualTo(new WindowPlanner.Start(PollerCheckpoint.at(at("2025-03-10T12:00:00Z")),
                WindowPlanner.Origin.NOW));
        assertThat(planner.next(start.position(), NOW)).isEqualTo(new WindowPlanner.Wait(at("2025-03-10T12:00:30Z")));
        assertThat(planner.next(start.position(), at("2025-03-10T12:00:31.2Z"))).isEqualTo(new WindowPlanner.Fetch(
                new PollWindow(at("2025-03-10T11:58:00Z"), at("2025-03-10T12:00:31Z")), false));
    }

    @Test
    void aBackfillProceedsInWholeWindowsReachingBackByTheOverlapThenFollowsNow() {
        WindowPlanner planner = planner(Optional.empty());
        PollerCheckpoint position = PollerCheckpoint.at(at("2025-03-10T09:30:00Z"));

        WindowPlanner.Step first = planner.next(position, NOW);
        assertThat(first).isEqualTo(new WindowPlanner.Fetch(
                new PollWindow(at("2025-03-10T09:28:00Z"), at("2025-03-10T10:30:00Z")), true));

        WindowPlanner.Step second = planner.next(PollerCheckpoint.at(at("2025-03-10T10:30:00Z")), NOW);
        assertThat(second).isEqualTo(new WindowPlanner.Fetch(
                new PollWindow(at("2025-03-10T10:28:00Z"), at("2025-03-10T11:30:00Z")), true));

        WindowPlanner.Step third = planner.next(PollerCheckpoint.at(at("2025-03-10T11:30:00Z")), NOW);
        assertThat(third).as("the last one ends now, to the second, never in the future").isEqualTo(
                new WindowPlanner.Fetch(new PollWindow(at("2025-03-10T11:28:00Z"), at("2025-03-10T12:00:00Z")), false));

        assertThat(planner.next(PollerCheckpoint.at(at("2025-03-10T12:00:00Z")), NOW))
                .isEqualTo(new WindowPlanner.Wait(at("2025-03-10T12:00:30Z")));
    }

    @Test
    void aCheckpointAheadOfThisHostsClockWaitsInsteadOfFetchingAnEmptyOrBackwardWindow() {
        PollerCheckpoint ahead = PollerCheckpoint.at(at("2025-03-10T12:05:00Z"));

        assertThat(planner(Optional.empty()).next(ahead, NOW)).isEqualTo(new WindowPlanner.Wait(at("2025-03-10T12:05:30Z")));
    }

    @Test
    void aSubSecondPollIntervalNeverProducesAWindowWithoutANewSecond() {
        WindowPlanner planner = new WindowPlanner(OVERLAP, WINDOW, Duration.ofMillis(200), Optional.empty());
        PollerCheckpoint position = PollerCheckpoint.at(at("2025-03-10T12:00:00Z"));

        assertThat(planner.next(position, NOW)).isEqualTo(new WindowPlanner.Wait(at("2025-03-10T12:00:01Z")));
        assertThat(planner.next(position, at("2025-03-10T12:00:01.1Z"))).isEqualTo(new WindowPlanner.Fetch(
                new PollWindow(at("2025-03-10T11:58:00Z"), at("2025-03-10T12:00:01Z")), false));
    }

    @Test
    void withoutOverlapWindowsTouchEndToStart() {
        WindowPlanner planner = new WindowPlanner(Duration.ZERO, WINDOW, INTERVAL, Optional.empty());

        assertThat(planner.next(PollerCheckpoint.at(at("2025-03-10T10:00:00Z")), NOW)).isEqualTo(new WindowPlanner.Fetch(
                new PollWindow(at("2025-03-10T10:00:00Z"), at("2025-03-10T11:00:00Z")), true));
    }

    @Test
    void theQueryCarriesBothBoundsInEmnifysFormat() {
        PollWindow window = new PollWindow(at("2024-01-01T00:00:00Z"), at("2024-01-01T01:00:00Z"));

        assertThat(window.query()).isEqualTo("from:2024-01-01T00:00:00Z,until:2024-01-01T01:00:00Z");
    }
}
