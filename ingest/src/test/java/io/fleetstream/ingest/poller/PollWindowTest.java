package io.fleetstream.ingest.poller;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollWindowTest {

    private static final Instant T = Instant.parse("2026-11-22T06:00:00Z");

    @Test
    void aSplitWindowIsCoveredInTimeOrderByShorterOnesThatReachOneSecondIntoTheNext() {
        PollWindow window = new PollWindow(T, T.plusSeconds(3_600));

        List<PollWindow> parts = window.split(4);

        assertThat(parts).containsExactly(
                new PollWindow(T, T.plusSeconds(901)),
                new PollWindow(T.plusSeconds(900), T.plusSeconds(1_801)),
                new PollWindow(T.plusSeconds(1_800), T.plusSeconds(2_701)),
                new PollWindow(T.plusSeconds(2_700), T.plusSeconds(3_600)));
    }

    @Test
    void everyPartIsShorterThanTheWindowSoSplittingEnds() {
        for (int seconds = 3; seconds <= 12; seconds++) {
            PollWindow window = new PollWindow(T, T.plusSeconds(seconds));
            for (int asked : new int[] {1, 2, 3, 50}) {
                List<PollWindow> parts = window.split(asked);
                assertThat(parts).as("%d s in %d", seconds, asked).hasSizeGreaterThanOrEqualTo(2);
                assertThat(parts.get(0).from()).isEqualTo(window.from());
                assertThat(parts.get(parts.size() - 1).until()).isEqualTo(window.until());
                for (int i = 0; i < parts.size(); i++) {
                    assertThat(parts.get(i).until()).isBefore(window.until().plusSeconds(i == parts.size() - 1 ? 1 : 0));
                    assertThat(parts.get(i).from()).isBefore(i == 0 ? window.until() : parts.get(i - 1).until());
                    assertThat(Duration.between(parts.get(i).from(), parts.get(i).until()))
                            .isLessThan(Duration.between(window.from(), window.until()));
                }
            }
        }
    }

    @Test
    void aWindowOfTwoSecondsIsNotSplit() {
        PollWindow window = new PollWindow(T, T.plusSeconds(2));

        assertThat(window.splittable()).isFalse();
        assertThat(new PollWindow(T, T.plusSeconds(3)).splittable()).isTrue();
        assertThatThrownBy(() -> window.split(2)).isInstanceOf(IllegalStateException.class);
    }
}
