package io.fleetstream.ingest.poller;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollerConfigTest {

    private static final String SECRET = "emnify-app-token-SECRET-0451";
    private static final ApplicationToken TOKEN = new ApplicationToken(SECRET);
    private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");

    @Test
    void defaultsPollProductionGentlyUnderATokenDerivedId() {
        PollerConfig config = PollerConfig.defaults(TOKEN);

        assertThat(config.baseUrl()).isEqualTo(URI.create("https://cdn.emnify.net"));
        assertThat(config.requestsPerSecond()).isEqualTo(5);
        assertThat(config.pollerId()).matches("token-[0-9a-f]{16}")
                .isEqualTo(PollerConfig.defaults(new ApplicationToken(" " + SECRET + "\n")).pollerId())
                .isNotEqualTo(PollerConfig.defaults(new ApplicationToken(SECRET + "x")).pollerId());
        assertThat(config.backfill()).isEmpty();
    }

    @Test
    void theTokenNeverShowsInToString() {
        PollerConfig config = PollerConfig.defaults(TOKEN).withBackfill(new BackfillStart.Ago(Duration.ofDays(7)));

        assertThat(config.toString()).doesNotContain(SECRET).contains("token=***").contains("backfill=Ago[duration=PT168H]");
        assertThat(TOKEN.toString()).doesNotContain(SECRET);
        assertThat(config.pollerId()).doesNotContain(SECRET);
    }

    @Test
    void anEmnifyUrlWithUserAndPasswordIsRefusedWithoutShowingThem() {
        PollerConfig config = PollerConfig.defaults(TOKEN);

        assertThatThrownBy(() -> config.withBaseUrl(URI.create("https://ops:pw-SECRET-77@cdn.emnify.net/")))
                .hasMessageContaining("https://cdn.emnify.net/").hasMessageContaining("must not carry user:password@")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-SECRET-77").doesNotContain("ops:"));
        assertThatThrownBy(() -> config.withBaseUrl(URI.create("ftp://ops:pw-SECRET-77@cdn.emnify.net")))
                .hasMessageContaining("not an http(s) URL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-SECRET-77"));
    }

    @Test
    void settingsOutsideWhatEmnifyAllowsAreRefusedWithTheLimit() {
        PollerConfig config = PollerConfig.defaults(TOKEN);

        assertThatThrownBy(() -> config.withRequestsPerSecond(20)).hasMessageContaining("at most 10 requests/s");
        assertThatThrownBy(() -> config.withRequestsPerSecond(0)).hasMessageContaining("above 0");
        assertThatThrownBy(() -> config.withPageSize(0)).hasMessageContaining("page size must be 1-1000");
        assertThatThrownBy(() -> config.withPollerId("org 1825")).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> config.withBaseUrl(URI.create("ftp://cdn.emnify.net"))).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> config.withOverlap(Duration.ofMinutes(-1))).hasMessageContaining("overlap");
        assertThatThrownBy(() -> config.withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))).hasMessageContaining("shorter");
        assertThatThrownBy(() -> new ApplicationToken("  ")).hasMessageContaining("--emnify-token");
    }

    @Test
    void aBackfillReachesBackAtMostThirtyDays() {
        assertThat(new BackfillStart.Ago(Duration.ofDays(30)).resolve(NOW)).isEqualTo(Instant.parse("2025-02-08T12:00:00Z"));
        assertThatThrownBy(() -> new BackfillStart.Ago(Duration.ofDays(31)))
                .hasMessage("cannot backfill 31 days: emnify keeps only 30 days of events; use at most 30d");

        new BackfillStart.At(Instant.parse("2025-02-09T00:00:00Z")).requireWithinHistory(NOW);
        assertThatThrownBy(() -> new BackfillStart.At(Instant.parse("2025-01-01T00:00:00Z")).requireWithinHistory(NOW))
                .hasMessageContaining("more than 30 days ago");
        assertThatThrownBy(() -> new BackfillStart.At(Instant.parse("2025-03-11T00:00:00Z")).requireWithinHistory(NOW))
                .hasMessageContaining("in the future");
    }
}
