package io.fleetstream.app.simulate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), new SplittableRandom(1));

    @Test
    void waitsGrowExponentiallyWithJitterUpToTheCap() {
        for (int attempt = 0; attempt < 40; attempt++) {
            long full = Math.min(5_000, 100L << Math.min(attempt, 30));
            assertThat(backoff.delay(attempt, Optional.empty()).toMillis())
                    .as("attempt %d", attempt)
                    .isBetween(full / 2, full);
        }
    }

    @Test
    void aRetryAfterFromTheWebhookIsHonouredUpToTheCap() {
        assertThat(backoff.delay(0, Optional.of(Duration.ofSeconds(2)))).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(0, Optional.of(Duration.ofMinutes(10)))).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delay(10, Optional.of(Duration.ZERO)).toMillis()).isBetween(2_500L, 5_000L);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(Webhook.retryAfter("120")).contains(Duration.ofSeconds(120));
        assertThat(Webhook.retryAfter(" 0 ")).contains(Duration.ZERO);
        assertThat(Webhook.retryAfter("soon")).isEmpty();
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(60));
        assertThat(Webhook.retryAfter(inAMinute).orElseThrow()).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
    }
}
