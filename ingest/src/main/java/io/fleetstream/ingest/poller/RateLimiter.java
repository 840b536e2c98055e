package io.fleetstream.ingest.poller;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces requests to emnify at most {@code requestsPerSecond} apart (no bursts: emnify counts per second).
 *
 * <p>A 429 answer {@link #slowDown() halves} the rate, down to an eighth of the configured one; each successful
 * request then gives back a tenth of the configured rate, so the poller returns to full speed after a few dozen
 * quiet requests instead of running straight back into the limit. Thread-safe.
 */
public final class RateLimiter {

    private static final int SLOWEST_FRACTION = 8;
    private static final int RECOVERY_STEPS = 10;

    private final double configured;
    private final LongSupplier nanoTime;
    private double current;
    private long nextFreeNanos;
    private boolean started;

    public RateLimiter(double requestsPerSecond, LongSupplier nanoTime) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requestsPerSecond must be positive, got " + requestsPerSecond);
        }
        this.configured = requestsPerSecond;
        this.current = requestsPerSecond;
        this.nanoTime = nanoTime;
    }

    public static RateLimiter systemTime(double requestsPerSecond) {
        return new RateLimiter(requestsPerSecond, System::nanoTime);
    }

    /** Takes the next slot and returns how long to wait until it; zero when a request may go now. */
    public synchronized Duration reserve() {
        long now = nanoTime.getAsLong();
        if (!started || nextFreeNanos - now < 0) {
            nextFreeNanos = now;
            started = true;
        }
        long wait = nextFreeNanos - now;
        nextFreeNanos += (long) (1_000_000_000L / current);
        return Duration.ofNanos(wait);
    }

    /** emnify answered 429: halve the rate. */
    public synchronized void slowDown() {
        current = Math.max(configured / SLOWEST_FRACTION, current / 2);
    }

    /** A request succeeded: recover a step towards the configured rate. */
    public synchronized void succeeded() {
        current = Math.min(configured, current + configured / RECOVERY_STEPS);
    }

    /** The rate now, in requests per second. */
    public synchronized double currentRate() {
        return current;
    }
}
