package io.fleetstream.app.simulate;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Waits between attempts to deliver a batch: exponential from the initial wait, capped, with jitter so
 * that several simulators do not retry in lockstep. A {@code Retry-After} from the webhook is honoured
 * up to the cap.
 */
final class RetryBackoff {

    private final long initialMillis;
    private final long maxMillis;
    private final SplittableRandom random;

    RetryBackoff(Duration initial, Duration max, SplittableRandom random) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The wait after the given failed attempt (0 for the first). */
    Duration delay(int attempt, Optional<Duration> retryAfter) {
        long exponential = initialMillis << Math.min(attempt, 30);
        long capped = exponential <= 0 ? maxMillis : Math.min(maxMillis, exponential);
        // "equal jitter": at least half the wait, so retries still back off
        long jittered = capped / 2 + random.nextLong(capped / 2 + 1);
        long asked = retryAfter.map(Duration::toMillis).map(millis -> Math.min(millis, maxMillis)).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, asked));
    }
}
