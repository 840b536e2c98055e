package io.fleetstream.ingest.poller;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    @Test
    void eachDelayLiesInTheUpperHalfOfADoublingStepCappedAtTheMaximum() {
        Backoff backoff = new Backoff(BASE, MAX, new SplittableRandom(42));
        long[] steps = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300};
        for (int failures = 1; failures <= steps.length; failures++) {
            Duration step = Duration.ofSeconds(steps[failures - 1]);
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delay(failures)).as("after %d failures", failures)
                        .isBetween(step.dividedBy(2), step);
            }
        }
        assertThat(backoff.delay(1_000_000)).isBetween(MAX.dividedBy(2), MAX);
    }

    @Test
    void jitterSpreadsRetriesOfReplicasThatFailedTogether() {
        Backoff backoff = new Backoff(BASE, MAX, new SplittableRandom(7));
        Set<Duration> delays = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            delays.add(backoff.delay(3));
        }

        assertThat(delays).hasSizeGreaterThan(15);
    }

    @Test
    void theSmallestPossibleDelayIsStillHalfTheBase() {
        RandomGenerator alwaysZero = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        };

        assertThat(new Backoff(BASE, MAX, alwaysZero).delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, MAX, alwaysZero)).isInstanceOf(IllegalArgumentException.class);
    }
}
