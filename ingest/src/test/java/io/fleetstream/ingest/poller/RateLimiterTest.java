package io.fleetstream.ingest.poller;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void spacesRequestsEvenlyWithoutBursts() {
        RateLimiter limiter = new RateLimiter(5, nanos::get);

        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(200));
        assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(400));
        advance(Duration.ofMillis(400));
        assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void idleTimeIsNotSavedUpForABurst() {
        RateLimiter limiter = new RateLimiter(5, nanos::get);
        limiter.reserve();
        advance(Duration.ofSeconds(10));

        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void a429HalvesTheRateDownToAnEighthAndSuccessesRecoverItStepByStep() {
        RateLimiter limiter = new RateLimiter(8, nanos::get);

        limiter.slowDown();
        assertThat(limiter.currentRate()).isEqualTo(4);
        limiter.slowDown();
        limiter.slowDown();
        limiter.slowDown();
        limiter.slowDown();
        assertThat(limiter.currentRate()).as("never below an eighth").isEqualTo(1);

        limiter.reserve();
        assertThat(limiter.reserve()).isEqualTo(Duration.ofSeconds(1));

        for (int i = 0; i < 5; i++) {
            limiter.succeeded();
        }
        assertThat(limiter.currentRate()).isEqualTo(5);
        for (int i = 0; i < 20; i++) {
            limiter.succeeded();
        }
        assertThat(limiter.currentRate()).as("never above the configured rate").isEqualTo(8);
    }
}
