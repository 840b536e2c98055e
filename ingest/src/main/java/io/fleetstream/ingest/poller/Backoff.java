package io.fleetstream.ingest.poller;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Delays between retries of a failing call: exponential (the base doubled per failure, up to a maximum) with
 * jitter, so replicas that failed together do not retry together. A delay is at least half of its step, never
 * zero: retries cannot turn into a tight loop.
 */
public final class Backoff {

    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.base = Objects.requireNonNull(base, "base");
        this.max = Objects.requireNonNull(max, "max");
        this.random = Objects.requireNonNull(random, "random");
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got " + base + " and " + max);
        }
    }

    /**
     * The delay before retry number {@code failures} (1 after the first failure): a random point in the upper half
     * of {@code min(max, base * 2^(failures-1))}.
     */
    public Duration delay(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, got " + failures);
        }
        long step = base.toNanos();
        for (int i = 1; i < failures && step < max.toNanos(); i++) {
            step *= 2;
        }
        step = Math.min(step, max.toNanos());
        long half = step / 2;
        return Duration.ofNanos(step - half + random.nextLong(half + 1));
    }
}
