package io.fleetstream.ingest.publish;

import io.fleetstream.schemas.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterReadinessTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    @Test
    void readyWhileTheLastSuccessfulProbeIsFresh() {
        AtomicInteger probes = new AtomicInteger();
        AtomicBoolean reachable = new AtomicBoolean(true);
        try (ClusterReadiness readiness = new ClusterReadiness(() -> {
            probes.incrementAndGet();
            return reachable.get();
        }, clock, Duration.ofSeconds(15), Duration.ofSeconds(2))) {

            assertThat(readiness.isReady()).isTrue();
            reachable.set(false);
            clock.advance(Duration.ofSeconds(14));
            assertThat(readiness.isReady()).isTrue();
            assertThat(probes).hasValue(1);

            clock.advance(Duration.ofSeconds(2));
            assertThat(readiness.isReady()).isFalse();
            assertThat(probes).hasValue(2);
        }
    }

    @Test
    void notReadyWhenTheProbeFailsOrThrows() {
        try (ClusterReadiness failing = new ClusterReadiness(() -> false, clock, Duration.ofSeconds(15), Duration.ofSeconds(2));
             ClusterReadiness throwing = new ClusterReadiness(() -> {
                 throw new IllegalStateException("no metadata");
             }, clock, Duration.ofSeconds(15), Duration.ofSeconds(2))) {
            assertThat(failing.isReady()).isFalse();
            assertThat(throwing.isReady()).isFalse();
        }
    }

    @Test
    void aProbeThatHangsAnswersNotReadyAfterTheWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ClusterReadiness readiness = new ClusterReadiness(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, clock, Duration.ofSeconds(15), Duration.ofMillis(100))) {
            long started = System.nanoTime();

            assertThat(readiness.isReady()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            release.countDown();
        }
    }
}
